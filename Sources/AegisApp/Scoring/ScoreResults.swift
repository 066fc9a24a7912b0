import AegisDomain
import Foundation

/// `score.technique`: one technique's score and what makes it up.
public struct TechniqueScoreResult: Sendable, Encodable {
    public var techniqueID: String
    public var name: String
    public var tactics: [String]
    public var status: TechniqueStatus
    public var score: Double
    public var components: [ScoreBreakdown.Component]
    public var procedures: Procedures
    public var visibility: TechniqueVisibility?
    public var weightsVersion: Int
    public var computedAt: Date

    /// The validated procedures behind the outcome components.
    public struct Procedures: Sendable, Encodable {
        public var validated: Int
        public var prevented: Int
        public var detected: Int
        public var logged: Int
        public var missed: Int
    }

    enum CodingKeys: String, CodingKey {
        case name, tactics, status, score, components, procedures, visibility
        case techniqueID = "technique_id"
        case weightsVersion = "weights_version"
        case computedAt = "computed_at"
    }
}

/// `score.tactic`, `score.actor` and `score.org`: a group of techniques.
public struct GroupScoreResult: Sendable, Encodable {
    /// What the group is: `tactic`, `actor` or `org`, with its id and name.
    public var kind: String
    public var id: String?
    public var name: String?
    public var domain: String
    public var score: Double
    public var techniques: Int
    public var statuses: [String: Int]
    public var components: [ScoreBreakdown.Component]
    public var weakest: [GroupScore.Entry]
    /// `score.org`: each tactic in matrix order.
    public var tactics: [TacticScore]?
    /// `score.actor`: every technique the actor uses, by id.
    public var techniqueScores: [GroupScore.Entry]?
    public var weightsVersion: Int
    public var computedAt: Date

    enum CodingKeys: String, CodingKey {
        case kind, id, name, domain, score, techniques, statuses, components, weakest, tactics
        case techniqueScores = "technique_scores"
        case weightsVersion = "weights_version"
        case computedAt = "computed_at"
    }
}
