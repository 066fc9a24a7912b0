import AegisDomain
import Foundation

/// API keys on SQLite; only SHA-256 hashes of secrets are stored.
struct SQLiteAPIKeyRepository: APIKeyRepository {
    let db: SQLiteConnection

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
        try db.prepare(
            "SELECT id, name, roles, created_at, expires_at, revoked_at FROM api_keys WHERE secret_hash = ?"
        ).bind(.text(secretHash)).first { row in
            APIKey(
                id: row.text(0), name: row.text(1), roles: StringList.decode(row.text(2)).compactMap(Role.init(rawValue:)),
                createdAt: StoreTime.date(row.int(3)), expiresAt: row.optionalInt(4).map(StoreTime.date),
                revokedAt: row.optionalInt(5).map(StoreTime.date))
        }
    }

    func count() throws -> Int {
        try db.prepare("SELECT count(*) FROM api_keys").first { Int($0.int(0)) } ?? 0
    }
}
