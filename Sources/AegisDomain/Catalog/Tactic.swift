/// An ATT&CK tactic (`TA0002`, shortname `execution`), ordered as in its
/// domain's matrix.
public struct Tactic: Sendable, Equatable, Codable {
    public var id: String
    public var stixID: String
    public var shortname: String
    public var name: String
    public var description: String
    /// Position in the domain's matrix, from 1.
    public var order: Int
    public var domain: String
    public var url: String

    public init(
        id: String, stixID: String, shortname: String, name: String, description: String = "",
        order: Int, domain: String, url: String = ""
    ) {
        self.id = id
        self.stixID = stixID
        self.shortname = shortname
        self.name = name
        self.description = description
        self.order = order
        self.domain = domain
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case id, shortname, name, description, order, domain, url
        case stixID = "stix_id"
    }
}
