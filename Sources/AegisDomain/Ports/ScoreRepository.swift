import Foundation

/// Scoring's inputs and settings.
public protocol ScoreRepository {
    /// The latest weights; nil while nobody has set any (the defaults apply).
    func weights() throws -> ScoreWeights?
    /// Stores a new version of the weights.
    func insertWeights(_ weights: ScoreWeights) throws
    /// Every version, newest first.
    func weightsHistory(limit: Int) throws -> [ScoreWeights]

    func visibility(techniqueID: String) throws -> TechniqueVisibility?
    /// Sets (or, with nil, clears) the visibility set by hand.
    func setVisibility(_ visibility: TechniqueVisibility?, techniqueID: String) throws

    /// The data components of `domain`, by id, and whether the team
    /// collects each.
    func dataComponents(domain: String) throws -> [DataComponentCollection]
    /// Records that the team collects (or no longer collects) `ids`;
    /// returns how many changed.
    func setCollected(_ ids: [String], collected: Bool, at: Date, by: String?) throws -> Int

    /// The techniques of `scope` in `domain` (neither revoked nor
    /// deprecated), ordered by id, with what their scores are computed from
    /// as of `now`. One aggregation over the maintained coverage rows.
    func scoreRows(_ scope: ScoreScope, domain: String, now: Date) throws -> [ScoreRow]

    /// The detection rules of the techniques of `scope` in `domain`,
    /// counted by format and by the state in force at `now`, by technique
    /// id (techniques without a rule are absent). One aggregation.
    func ruleCounts(_ scope: ScoreScope, domain: String, now: Date) throws -> [String: TechniqueRuleCounts]
    /// One technique's detection rules counted, whatever its domain.
    func ruleCounts(techniqueID: String, now: Date) throws -> TechniqueRuleCounts
    /// The detection rules mapped to the techniques of `scope` in
    /// `domain`, with the state in force at `now`, by technique id then
    /// rule name.
    func techniqueRules(_ scope: ScoreScope, domain: String, now: Date) throws -> [TechniqueRule]
}

/// Which techniques a score covers.
public enum ScoreScope: Sendable, Equatable {
    case all
    case technique(String)
    /// By the tactic's shortname (`credential-access`).
    case tactic(String)
    /// A group's or campaign's techniques.
    case actor(String)
}

/// A technique, where it sits in the matrix, its status and its evidence.
public struct ScoreRow: Sendable, Equatable {
    public var techniqueID: String
    public var name: String
    public var isSubtechnique: Bool
    /// Tactic shortnames in `domain`.
    public var tactics: [String]
    public var status: TechniqueStatus
    public var evidence: TechniqueEvidence

    public init(
        techniqueID: String, name: String, isSubtechnique: Bool, tactics: [String], status: TechniqueStatus,
        evidence: TechniqueEvidence
    ) {
        self.techniqueID = techniqueID
        self.name = name
        self.isSubtechnique = isSubtechnique
        self.tactics = tactics
        self.status = status
        self.evidence = evidence
    }
}

/// A visibility level set by hand, with why.
public struct TechniqueVisibility: Sendable, Equatable, Codable {
    /// 0 none, 1 minimal, 2 medium, 3 good, 4 excellent (as in DeTT&CT).
    public var level: Int
    public var note: String
    public var updatedAt: Date
    public var updatedBy: String?

    public init(level: Int, note: String, updatedAt: Date, updatedBy: String?) {
        self.level = level
        self.note = note
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    enum CodingKeys: String, CodingKey {
        case level, note
        case updatedAt = "updated_at"
        case updatedBy = "updated_by"
    }
}

/// A data component and whether the team collects it.
public struct DataComponentCollection: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var collected: Bool
    /// Techniques whose detection strategies use it.
    public var techniques: Int

    public init(id: String, name: String, collected: Bool, techniques: Int) {
        self.id = id
        self.name = name
        self.collected = collected
        self.techniques = techniques
    }
}
