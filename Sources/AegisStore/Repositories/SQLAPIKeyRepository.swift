import AegisDomain
import Foundation

/// API keys in SQL; only SHA-256 hashes of secrets are stored.
struct SQLAPIKeyRepository<DB: SQLDatabase>: APIKeyRepository {
    let db: DB

    func insert(_ key: APIKey, secretHash: String) throws {
        try db.prepare(
            """
            INSERT INTO api_keys (id, name, secret_hash, roles, created_at, expires_at, revoked_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            .text(key.id), .text(key.name), .text(secretHash), .text(StringList.encode(key.roles.map(\.rawValue))),
            .int(StoreTime.micros(key.createdAt)), StoreTime.value(key.expiresAt), StoreTime.value(key.revokedAt)
        ).run()
    }

    func find(secretHash: String) throws -> APIKey? {
        try db.prepare("SELECT \(SQLAPIKeyRows.columns) FROM api_keys WHERE secret_hash = ?").bind(.text(secretHash))
            .first(SQLAPIKeyRows.key)
    }

    func keys(page: PageRequest) throws -> Page<APIKey> {
        var filter = SQLFilter()
        if let after = page.after { filter.add("id > ?", .text(after)) }
        let rows = try db.prepare("SELECT \(SQLAPIKeyRows.columns) FROM api_keys \(filter.clause) ORDER BY id LIMIT ?")
            .bind(filter.values + [.int(page.limit + 1)]).rows(SQLAPIKeyRows.key)
        let items = Array(rows.prefix(page.limit))
        return Page(items: items, nextKey: rows.count > page.limit ? items.last?.id : nil)
    }

    func key(id: String) throws -> APIKey? {
        try db.prepare("SELECT \(SQLAPIKeyRows.columns) FROM api_keys WHERE id = ?").bind(.text(id)).first(SQLAPIKeyRows.key)
    }

    func revoke(id: String, at: Date) throws {
        try db.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(.int(StoreTime.micros(at)), .text(id)).run()
    }

    func count() throws -> Int {
        try db.prepare("SELECT count(*) FROM api_keys").first { Int($0.int(0)) } ?? 0
    }
}

/// The column lists and row mappings of `SQLAPIKeyRepository`, shared by both dialects.
enum SQLAPIKeyRows {
    static let columns = "id, name, roles, created_at, expires_at, revoked_at"

    static func key(_ row: some SQLRow) -> APIKey {
        APIKey(
            id: row.text(0), name: row.text(1), roles: StringList.decode(row.text(2)).compactMap(Role.init(rawValue:)),
            createdAt: StoreTime.date(row.int(3)), expiresAt: row.optionalInt(4).map(StoreTime.date),
            revokedAt: row.optionalInt(5).map(StoreTime.date))
    }
}
