import Foundation

/// The coverage of a domain at a moment: the organisation's score, each
/// tactic's and each technique's, under the weights then in force.
public struct Snapshot: Sendable, Equatable, Codable {
    /// Server-chosen id (`snp_...`).
    public var id: String
    public var name: String
    public var domain: String
    public var createdAt: Date
    public var createdBy: String?
    public var weightsVersion: Int
    public var score: Double
    public var techniques: Int
    /// Techniques per status.
    public var statuses: [String: Int]
    /// In matrix order.
    public var tactics: [TacticScore]

    public init(
        id: String, name: String, domain: String, createdAt: Date, createdBy: String?, weightsVersion: Int,
        score: Double, techniques: Int, statuses: [String: Int], tactics: [TacticScore]
    ) {
        self.id = id
        self.name = name
        self.domain = domain
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.weightsVersion = weightsVersion
        self.score = score
        self.techniques = techniques
        self.statuses = statuses
        self.tactics = tactics
    }

    enum CodingKeys: String, CodingKey {
        case id, name, domain, score, techniques, statuses, tactics
        case createdAt = "created_at"
        case createdBy = "created_by"
        case weightsVersion = "weights_version"
    }
}

/// A tactic's score: the mean over its techniques.
public struct TacticScore: Sendable, Equatable, Codable {
    public var id: String
    public var shortname: String
    public var name: String
    /// Position in the matrix, from 1.
    public var order: Int
    public var score: Double
    public var techniques: Int

    public init(id: String, shortname: String, name: String, order: Int, score: Double, techniques: Int) {
        self.id = id
        self.shortname = shortname
        self.name = name
        self.order = order
        self.score = score
        self.techniques = techniques
    }
}

/// A technique's score and status in a snapshot.
public struct TechniqueScoreLine: Sendable, Equatable, Codable {
    public var techniqueID: String
    public var name: String
    public var status: TechniqueStatus
    public var score: Double

    public init(techniqueID: String, name: String, status: TechniqueStatus, score: Double) {
        self.techniqueID = techniqueID
        self.name = name
        self.status = status
        self.score = score
    }

    enum CodingKeys: String, CodingKey {
        case name, status, score
        case techniqueID = "technique_id"
    }
}
