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

    /// Always 1: the trail is append-only.
    public var version: Int { 1 }

    enum CodingKeys: String, CodingKey {
        case id, at, actor, action, changes, peer, version
        case entityKind = "entity_kind"
        case entityID = "entity_id"
        case requestID = "request_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(Int64.self, forKey: .id), at: try c.decode(Date.self, forKey: .at),
            actor: try c.decodeIfPresent(String.self, forKey: .actor), action: try c.decode(String.self, forKey: .action),
            entityKind: try c.decode(String.self, forKey: .entityKind),
            entityID: try c.decode(String.self, forKey: .entityID),
            changes: try c.decodeIfPresent([String: Value].self, forKey: .changes) ?? [:],
            requestID: try c.decodeIfPresent(String.self, forKey: .requestID),
            peer: try c.decodeIfPresent(String.self, forKey: .peer))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(version, forKey: .version)
        try c.encode(at, forKey: .at)
        try c.encodeIfPresent(actor, forKey: .actor)
        try c.encode(action, forKey: .action)
        try c.encode(entityKind, forKey: .entityKind)
        try c.encode(entityID, forKey: .entityID)
        try c.encode(changes, forKey: .changes)
        try c.encodeIfPresent(requestID, forKey: .requestID)
        try c.encodeIfPresent(peer, forKey: .peer)
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
