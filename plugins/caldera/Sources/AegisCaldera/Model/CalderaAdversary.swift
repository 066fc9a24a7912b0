/// A Caldera adversary profile (`GET /api/v2/adversaries`): an ordering of
/// abilities an operation runs.
public struct CalderaAdversary: Sendable, Equatable, Decodable {
    public var adversaryID: String
    public var name: String
    public var description: String
    /// Ability ids, in the order the atomic planner runs them.
    public var atomicOrdering: [String]
    public var tags: [String]
    public var plugin: String

    enum CodingKeys: String, CodingKey {
        case name, description, tags, plugin
        case adversaryID = "adversary_id"
        case atomicOrdering = "atomic_ordering"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        adversaryID = try c.decode(String.self, forKey: .adversaryID)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        atomicOrdering = (try? c.decodeIfPresent([String].self, forKey: .atomicOrdering)) ?? []
        tags = (try? c.decodeIfPresent([String].self, forKey: .tags)) ?? []
        plugin = (try? c.decodeIfPresent(String.self, forKey: .plugin)) ?? ""
    }
}
