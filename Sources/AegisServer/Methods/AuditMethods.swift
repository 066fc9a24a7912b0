import AegisApp
import AegisDomain
import Foundation

/// `audit.*`: the append-only audit trail.
enum AuditMethods {
    static let all: [MethodHandler] = [
        .method("audit.list", AuditListParams.self) { p, scope in
            try AuditService(context: scope.context).list(
                entityKind: p.entityKind, entityID: p.entityID, actor: p.actor, action: p.action, since: p.since,
                until: p.until, limit: p.limit, cursor: p.cursor)
        }
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
}
