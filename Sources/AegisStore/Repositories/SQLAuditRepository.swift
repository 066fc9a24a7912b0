import AegisDomain
import Foundation

/// The audit trail in SQL. Triggers refuse every UPDATE and DELETE.
struct SQLAuditRepository<DB: SQLDatabase>: AuditRepository {
    let db: DB

    func append(_ entry: AuditEntry) throws {
        let changes = Value.map(entry.changes).jsonText
        try db.prepare(
            """
            INSERT INTO audit (at, actor, action, entity_kind, entity_id, changes, request_id, peer)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            .int(StoreTime.micros(entry.at)), .optional(entry.actor), .text(entry.action), .text(entry.entityKind),
            .text(entry.entityID), .text(changes), .optional(entry.requestID), .optional(entry.peer)
        ).runLater()
    }

    func entries(matching query: AuditQuery) throws -> Page<AuditEntry> {
        var filter = SQLFilter()
        if let after = query.page.after.flatMap(Int64.init) {
            filter.add("id > ?", .int(after))
        }
        if let kind = query.entityKind {
            filter.add("entity_kind = ?", .text(kind))
        }
        if let id = query.entityID {
            filter.add("entity_id = ?", .text(id))
        }
        if let actor = query.actor {
            filter.add("actor = ?", .text(actor))
        }
        if let action = query.action {
            filter.add("action = ?", .text(action))
        }
        if let since = query.since {
            filter.add("at >= ?", .int(StoreTime.micros(since)))
        }
        if let until = query.until {
            filter.add("at < ?", .int(StoreTime.micros(until)))
        }
        let rows = try db.prepare(
            """
            SELECT id, at, actor, action, entity_kind, entity_id, changes, request_id, peer FROM audit
            \(filter.clause) ORDER BY id LIMIT ?
            """
        ).bind(filter.values + [.int(query.page.limit + 1)]).rows { row in
            AuditEntry(
                id: row.int(0), at: StoreTime.date(row.int(1)), actor: row.optionalText(2), action: row.text(3),
                entityKind: row.text(4), entityID: row.text(5),
                changes: Value(storedJSON: row.text(6))?.mapValue ?? [:],
                requestID: row.optionalText(7), peer: row.optionalText(8))
        }
        let items = Array(rows.prefix(query.page.limit))
        return Page(items: items, nextKey: rows.count > query.page.limit ? items.last.map { String($0.id) } : nil)
    }

    func loginFailures(key: String, since: Date) throws -> (count: Int, oldest: Date?) {
        // The action is a literal so that SQLite can use the partial index.
        try db.prepare(
            "SELECT count(*), min(at) FROM audit WHERE action = 'auth.login_failed' AND entity_id = ? AND at >= ?"
        ).bind(.text(key), .int(StoreTime.micros(since))).first { row in
            (Int(row.int(0)), row.optionalInt(1).map(StoreTime.date))
        } ?? (0, nil)
    }
}
