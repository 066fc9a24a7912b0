import Foundation

/// A group (`G0016`) or campaign (`C0001`) with the techniques it uses.
///
/// On the wire and in the CLI this is an `actor`; in Swift it is
/// `ThreatActor` because `Actor` is Swift's concurrency protocol.
public struct ThreatActor: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case group
        case campaign
    }

    public var id: String
    public var stixID: String
    public var name: String
    public var kind: Kind
    public var aliases: [String]
    public var description: String
    public var techniqueIDs: [String]
    public var domains: [String]
    public var revoked: Bool
    public var deprecated: Bool
    public var revokedBy: String?
    public var url: String
    public var firstSeen: Date?
    public var lastSeen: Date?

    public init(
        id: String, stixID: String, name: String, kind: Kind, aliases: [String] = [], description: String = "",
        techniqueIDs: [String] = [], domains: [String] = [], revoked: Bool = false, deprecated: Bool = false,
        revokedBy: String? = nil, url: String = "", firstSeen: Date? = nil, lastSeen: Date? = nil
    ) {
        self.id = id
        self.stixID = stixID
        self.name = name
        self.kind = kind
        self.aliases = aliases
        self.description = description
        self.techniqueIDs = techniqueIDs
        self.domains = domains
        self.revoked = revoked
        self.deprecated = deprecated
        self.revokedBy = revokedBy
        self.url = url
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case id, name, kind, aliases, description, domains, revoked, deprecated, url
        case stixID = "stix_id"
        case techniqueIDs = "technique_ids"
        case revokedBy = "revoked_by"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}
