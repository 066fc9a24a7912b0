/// An ATT&CK mitigation (`M1038`) with the techniques it mitigates.
public struct Mitigation: Sendable, Equatable, Codable {
    public var id: String
    public var stixID: String
    public var name: String
    public var description: String
    public var techniqueIDs: [String]
    public var domains: [String]
    public var revoked: Bool
    public var deprecated: Bool
    public var url: String

    public init(
        id: String, stixID: String, name: String, description: String = "", techniqueIDs: [String] = [],
        domains: [String] = [], revoked: Bool = false, deprecated: Bool = false, url: String = ""
    ) {
        self.id = id
        self.stixID = stixID
        self.name = name
        self.description = description
        self.techniqueIDs = techniqueIDs
        self.domains = domains
        self.revoked = revoked
        self.deprecated = deprecated
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, domains, revoked, deprecated, url
        case stixID = "stix_id"
        case techniqueIDs = "technique_ids"
    }
}
