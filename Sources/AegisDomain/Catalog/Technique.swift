import Foundation

/// An ATT&CK technique or sub-technique (`T1059`, `T1059.001`).
public struct Technique: Sendable, Equatable, Codable {
    /// ATT&CK id, e.g. `T1059.001`.
    public var id: String
    public var stixID: String
    public var name: String
    public var description: String
    /// Tactic shortnames (`execution`) in the technique's own domain.
    public var tactics: [String]
    public var platforms: [String]
    /// ATT&CK domains (`enterprise-attack`, `ics-attack`, `mobile-attack`).
    public var domains: [String]
    public var isSubtechnique: Bool
    public var parentID: String?
    public var subtechniqueIDs: [String]
    public var mitigationIDs: [String]
    public var detectionStrategyIDs: [String]
    public var revoked: Bool
    public var deprecated: Bool
    /// The ATT&CK id of the successor when `revoked`.
    public var revokedBy: String?
    public var url: String
    public var created: Date?
    public var modified: Date?
    /// Coverage from the team's tests (not part of ATT&CK).
    public var status: TechniqueStatus

    public init(
        id: String, stixID: String, name: String, description: String = "", tactics: [String] = [],
        platforms: [String] = [], domains: [String] = [], isSubtechnique: Bool = false, parentID: String? = nil,
        subtechniqueIDs: [String] = [], mitigationIDs: [String] = [], detectionStrategyIDs: [String] = [],
        revoked: Bool = false, deprecated: Bool = false, revokedBy: String? = nil, url: String = "",
        created: Date? = nil, modified: Date? = nil, status: TechniqueStatus = .untested
    ) {
        self.id = id
        self.stixID = stixID
        self.name = name
        self.description = description
        self.tactics = tactics
        self.platforms = platforms
        self.domains = domains
        self.isSubtechnique = isSubtechnique
        self.parentID = parentID
        self.subtechniqueIDs = subtechniqueIDs
        self.mitigationIDs = mitigationIDs
        self.detectionStrategyIDs = detectionStrategyIDs
        self.revoked = revoked
        self.deprecated = deprecated
        self.revokedBy = revokedBy
        self.url = url
        self.created = created
        self.modified = modified
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, tactics, platforms, domains, revoked, deprecated, url, created, modified, status
        case stixID = "stix_id"
        case isSubtechnique = "is_subtechnique"
        case parentID = "parent_id"
        case subtechniqueIDs = "subtechnique_ids"
        case mitigationIDs = "mitigation_ids"
        case detectionStrategyIDs = "detection_strategy_ids"
        case revokedBy = "revoked_by"
    }
}
