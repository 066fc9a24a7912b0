/// `GET /api/v2/health`: which Caldera answers, and with which access.
public struct CalderaHealth: Sendable, Equatable, Decodable {
    public var application: String
    public var version: String
    /// `RED` or `BLUE`: whose key or session was used.
    public var access: String
    /// The names of the plugins it runs.
    public var plugins: [String]

    enum CodingKeys: String, CodingKey { case application, version, access, plugins }
    struct Plugin: Decodable { var name: String }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        application = try c.decode(String.self, forKey: .application)
        version = try c.decode(String.self, forKey: .version)
        access = try c.decodeIfPresent(String.self, forKey: .access) ?? ""
        plugins = (try c.decodeIfPresent([Plugin].self, forKey: .plugins) ?? []).map(\.name)
    }
}
