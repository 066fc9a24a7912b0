import AegisApp
import AegisDomain
import Foundation

/// `audit.list`, `notification.*`, `events.status`.
enum AuditMethods {
    static let all: [MethodHandler] = [
        .method("audit.list", AuditListParams.self) { p, scope in
            try AuditService(context: scope.context).list(
                entityKind: p.entityKind, entityID: p.entityID, actor: p.actor, action: p.action, since: p.since,
                until: p.until, limit: p.limit, cursor: p.cursor)
        },
        .method("notification.list", NotificationListParams.self) { p, scope in
            try NotificationService(env: scope.env, context: scope.context).list(
                unreadOnly: p.unreadOnly ?? false, limit: p.limit, cursor: p.cursor)
        },
        .method("notification.mark_read", MarkReadParams.self) { p, scope in
            let ids: [String]?
            if p.all == true {
                ids = nil
            } else if let given = p.ids {
                ids = given
            } else {
                throw AegisError.invalidArgument("ids", "give ids, or all: true")
            }
            let changed = try NotificationService(env: scope.env, context: scope.context).markRead(ids: ids)
            return MarkedRead(marked: changed)
        },
        .method("events.status") { scope in
            EventsStatus(lastSeq: try EventService(context: scope.context).lastSeq())
        },
    ]

    struct AuditListParams: Decodable, Sendable {
        var entityKind: String?
        var entityID: String?
        var actor: String?
        var action: String?
        var since: Date?
        var until: Date?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case actor, action, since, until, limit, cursor
            case entityKind = "entity_kind"
            case entityID = "entity_id"
        }
    }

    struct NotificationListParams: Decodable, Sendable {
        var unreadOnly: Bool?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case limit, cursor
            case unreadOnly = "unread_only"
        }
    }

    struct MarkReadParams: Decodable, Sendable {
        var ids: [String]?
        var all: Bool?
    }

    struct MarkedRead: Encodable, Sendable { var marked: Int }

    struct EventsStatus: Encodable, Sendable {
        var lastSeq: Int64
        enum CodingKeys: String, CodingKey { case lastSeq = "last_seq" }
    }
}
