import AegisDomain
import Foundation

/// Notifications in SQL, newest first.
struct SQLNotificationRepository<DB: SQLDatabase>: NotificationRepository {
    let db: DB

    func insert(_ n: UserNotification) throws {
        try db.prepare(
            "INSERT INTO notifications (id, user_id, kind, test_id, message, created_at, read_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).bind(
            .text(n.id), .text(n.userID), .text(n.kind), .text(n.testID), .text(n.message),
            .int(StoreTime.micros(n.createdAt)), StoreTime.value(n.readAt)
        ).runLater()
    }

    func notifications(userID: String, unreadOnly: Bool, page: PageRequest) throws -> Page<UserNotification> {
        var filter = SQLFilter()
        filter.add("user_id = ?", .text(userID))
        if unreadOnly { filter.add("read_at IS NULL") }
        if let after = page.after, let (at, id) = TimeKey.split(after) {
            filter.add("(created_at < ? OR (created_at = ? AND id < ?))", .int(at), .int(at), .text(id))
        }
        let rows = try db.prepare(
            """
            SELECT id, user_id, kind, test_id, message, created_at, read_at FROM notifications
            \(filter.clause) ORDER BY created_at DESC, id DESC LIMIT ?
            """
        ).bind(filter.values + [.int(page.limit + 1)]).rows { row in
            UserNotification(
                id: row.text(0), userID: row.text(1), kind: row.text(2), testID: row.text(3), message: row.text(4),
                createdAt: StoreTime.date(row.int(5)), readAt: row.optionalInt(6).map(StoreTime.date))
        }
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? items.last.map { TimeKey.make($0.createdAt, $0.id) } : nil
        return Page(items: items, nextKey: next)
    }

    func markRead(userID: String, ids: [String]?, at: Date) throws -> Int {
        guard let ids else {
            return try db.prepare("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL")
                .bind(.int(StoreTime.micros(at)), .text(userID)).run()
        }
        var total = 0
        for id in ids {
            total += try db.prepare(
                "UPDATE notifications SET read_at = ? WHERE user_id = ? AND id = ? AND read_at IS NULL"
            ).bind(.int(StoreTime.micros(at)), .text(userID), .text(id)).run()
        }
        return total
    }
}
