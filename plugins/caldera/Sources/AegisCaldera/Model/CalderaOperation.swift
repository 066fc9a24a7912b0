import Foundation

/// A Caldera operation (`GET /api/v2/operations?exclude=chain`): an
/// adversary run against one agent group.
public struct CalderaOperation: Sendable, Equatable, Decodable {
    public var id: String
    public var name: String
    /// The agent group it runs against; empty for all agents.
    public var group: String
    /// `running`, `run_one_link`, `paused`, `out_of_time`, `finished`, `cleanup`.
    public var state: String
    public var adversaryID: String?
    public var adversaryName: String?
    public var start: Date?

    public init(
        id: String, name: String, group: String = "", state: String = "running", adversaryID: String? = nil,
        adversaryName: String? = nil, start: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.group = group
        self.state = state
        self.adversaryID = adversaryID
        self.adversaryName = adversaryName
        self.start = start
    }

    enum CodingKeys: String, CodingKey { case id, name, group, state, adversary, start }
    struct Adversary: Decodable {
        var adversaryID: String?
        var name: String?
        enum CodingKeys: String, CodingKey {
            case name
            case adversaryID = "adversary_id"
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        group = (try? c.decodeIfPresent(String.self, forKey: .group)) ?? ""
        state = try c.decodeIfPresent(String.self, forKey: .state) ?? ""
        let adversary = try? c.decodeIfPresent(Adversary.self, forKey: .adversary)
        adversaryID = adversary?.adversaryID
        adversaryName = adversary?.name
        start = c.calderaDate(.start)
    }
}

/// `POST /api/v2/operations`: only `name` is required.
public struct CalderaOperationRequest: Sendable, Equatable, Encodable {
    public var name: String
    public var adversaryID: String?
    /// The agent group to run against; nil for Caldera's default (all).
    public var group: String?
    public var plannerID: String?
    public var sourceID: String?
    /// `running` (the default) or `paused`.
    public var state: String?
    public var autoClose: Bool?

    public init(
        name: String, adversaryID: String? = nil, group: String? = nil, plannerID: String? = nil,
        sourceID: String? = nil, state: String? = nil, autoClose: Bool? = nil
    ) {
        self.name = name
        self.adversaryID = adversaryID
        self.group = group
        self.plannerID = plannerID
        self.sourceID = sourceID
        self.state = state
        self.autoClose = autoClose
    }

    enum CodingKeys: String, CodingKey {
        case name, adversary, group, planner, source, state
        case autoClose = "auto_close"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        if let adversaryID { try c.encode(["adversary_id": adversaryID], forKey: .adversary) }
        try c.encodeIfPresent(group, forKey: .group)
        if let plannerID { try c.encode(["id": plannerID], forKey: .planner) }
        if let sourceID { try c.encode(["id": sourceID], forKey: .source) }
        try c.encodeIfPresent(state, forKey: .state)
        try c.encodeIfPresent(autoClose, forKey: .autoClose)
    }
}
