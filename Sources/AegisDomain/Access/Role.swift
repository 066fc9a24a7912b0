/// What a principal may do. The method-by-role policy lives in one table
/// in AegisApp.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case admin
    case redLead = "red_lead"
    case redOperator = "red_operator"
    case blueLead = "blue_lead"
    case blueAnalyst = "blue_analyst"
    case viewer
    /// Feeds telemetry (`telemetry.ingest`) and nothing else: for the keys
    /// of sensors, collectors and plugins that only send events.
    case ingest

    public static func < (lhs: Role, rhs: Role) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// Who is calling: resolved from the request's `auth` by the server.
public struct Principal: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case apiKey = "api_key"
        case user
        case plugin
    }

    public var kind: Kind
    /// The API key's or user's id.
    public var id: String
    public var name: String
    public var roles: Set<Role>
    /// The session a user signed in with (`auth.logout` ends it).
    public var sessionID: String?
    /// A plugin's scope: the methods it may call (names and `noun.*`
    /// prefixes), instead of roles. Nil for users and API keys.
    public var scope: [String]?

    public init(
        kind: Kind, id: String, name: String, roles: Set<Role>, sessionID: String? = nil, scope: [String]? = nil
    ) {
        self.kind = kind
        self.id = id
        self.name = name
        self.roles = roles
        self.sessionID = sessionID
        self.scope = scope
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }

    /// The value recorded as an event's or audit row's actor.
    public var actorID: String { "\(kind.rawValue):\(id)" }

    /// Holds any of `roles` (admins hold every role).
    public func hasAny(_ roles: Set<Role>) -> Bool { has(.admin) || !self.roles.isDisjoint(with: roles) }

    public static let redRoles: Set<Role> = [.redLead, .redOperator]
    public static let blueRoles: Set<Role> = [.blueLead, .blueAnalyst]

    /// Sees blind tests blind: anyone who is not on the red side (blue
    /// roles and viewers alike) until red submits.
    public var seesBlindTestsBlind: Bool { !has(.admin) && roles.isDisjoint(with: Self.redRoles) && !worksForRed }

    /// A plugin whose scope lets it submit red's results (`test.submit_red`)
    /// works for red: it sees blind tests and attaches red evidence as red
    /// roles do (a plugin has no roles; its scope is what an admin granted).
    public var worksForRed: Bool { kind == .plugin && PluginScope.allows(scope ?? [], "test.submit_red") }

    /// A plugin whose scope lets it submit blue's results (`test.submit_blue`)
    /// works for blue: it attaches blue evidence.
    public var worksForBlue: Bool { kind == .plugin && PluginScope.allows(scope ?? [], "test.submit_blue") }
}
