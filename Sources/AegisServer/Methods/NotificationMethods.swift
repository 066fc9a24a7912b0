import AegisApp
import AegisDomain

/// `notification.*`: the caller's notifications.
enum NotificationMethods {
    static let all: [MethodHandler] = [
        .method("notification.list", NotificationListParams.self) { p, scope in
            try service(scope).list(unreadOnly: p.unreadOnly ?? false, limit: p.limit, cursor: p.cursor)
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
            return MarkedRead(marked: try service(scope).markRead(ids: ids))
        },
    ]

    private static func service(_ scope: RequestScope) -> NotificationService {
        NotificationService(env: scope.env, context: scope.context)
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
}
