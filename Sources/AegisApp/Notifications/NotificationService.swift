import AegisDomain
import Foundation

/// `notification.*`: the caller's own notifications, newest first. API keys
/// and plugins have none.
public struct NotificationService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    public func list(unreadOnly: Bool, limit: Int?, cursor: String?) throws -> ListResult<UserNotification> {
        let principal = try context.requirePrincipal()
        let page = try Cursor.pageRequest(limit: limit, cursor: cursor)
        guard principal.kind == .user else { return ListResult(items: [], nextCursor: nil) }
        return ListResult(
            try context.session.read { try $0.notifications.notifications(userID: principal.id, unreadOnly: unreadOnly, page: page) })
    }

    /// Marks `ids` read, or all of them when nil; returns how many changed.
    public func markRead(ids: [String]?) throws -> Int {
        let principal = try context.requirePrincipal()
        guard principal.kind == .user else { return 0 }
        if let ids { _ = try Validate.list(ids, field: "ids", maxItems: 1000, maxLength: 64) }
        let now = env.clock.now()
        return try context.session.write { repos in
            let changed = try repos.notifications.markRead(userID: principal.id, ids: ids, at: now)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "notification.mark_read", "user", principal.id, changes: ["count": .int(Int64(changed))])
            return changed
        }
    }
}
