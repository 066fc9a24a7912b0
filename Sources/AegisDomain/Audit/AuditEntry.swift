import Foundation

/// One row of the append-only audit trail: who did what to which entity,
/// when, from where, in which request, and what changed.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var at: Date
    /// `api_key:...`, `user:...`, or nil for the daemon itself.
    public var actor: String?
    /// The use case: `test.submit_red`, `auth.login_failed`...
    public var action: String
    public var entityKind: String
    public var entityID: String
    /// Field -> new value (or a marker such as `"<redacted>"` for secrets).
    public var changes: [String: Value]
    public var requestID: String?
    public var peer: String?

    public init(
        id: Int64 = 0, at: Date, actor: String?, action: String, entityKind: String, entityID: String,
        changes: [String: Value] = [:], requestID: String?, peer: String?
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.entityKind = entityKind
        self.entityID = entityID
        self.changes = changes
        self.requestID = requestID
        self.peer = peer
    }

    enum CodingKeys: String, CodingKey {
        case id, at, actor, action, changes, peer
        case entityKind = "entity_kind"
        case entityID = "entity_id"
        case requestID = "request_id"
    }
}

/// Filters of `audit.list`.
public struct AuditQuery: Sendable, Equatable {
    public var entityKind: String?
    public var entityID: String?
    public var actor: String?
    public var action: String?
    public var since: Date?
    public var until: Date?
    public var page: PageRequest

    public init(
        entityKind: String? = nil, entityID: String? = nil, actor: String? = nil, action: String? = nil,
        since: Date? = nil, until: Date? = nil, page: PageRequest = PageRequest()
    ) {
        self.entityKind = entityKind
        self.entityID = entityID
        self.actor = actor
        self.action = action
        self.since = since
        self.until = until
        self.page = page
    }
}
