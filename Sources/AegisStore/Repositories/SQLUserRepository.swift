import AegisDomain
import Foundation

/// Users and sessions in SQL. `username_key` is the name with its ASCII
/// letters lower-cased (`CredentialRules.usernameKey`), so `Alice` and
/// `alice` cannot both exist, and a lookalike spelling finds nobody.
struct SQLUserRepository<DB: SQLDatabase>: UserRepository {
    let db: DB

    func insert(_ user: User, passwordHash: String) throws {
        // A name `user.create` would refuse keeps its exact text: it can be
        // copied, but no sign-in finds it.
        let key = CredentialRules.usernameKey(user.username) ?? user.username
        do {
            try db.prepare(
                """
                INSERT INTO users (id, version, username, username_key, display_name, roles, disabled, password_hash,
                    password_changed_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).bind(
                .text(user.id), .int(user.version), .text(user.username), .text(key),
                .text(user.displayName), .text(StringList.encode(user.roles.map(\.rawValue))), .bool(user.disabled),
                .text(passwordHash), .int(StoreTime.micros(user.passwordChangedAt)), .int(StoreTime.micros(user.createdAt)),
                .int(StoreTime.micros(user.updatedAt))
            ).run()
        } catch let error as any SQLDatabaseError where error.isUniqueViolation {
            throw AegisError(
                .alreadyExists, "a user named \(user.username) already exists",
                details: ["field": "username", "kind": "user"])
        }
    }

    func update(_ user: User) throws {
        try db.prepare(
            "UPDATE users SET version = ?, display_name = ?, roles = ?, disabled = ?, updated_at = ? WHERE id = ?"
        ).bind(
            .int(user.version), .text(user.displayName), .text(StringList.encode(user.roles.map(\.rawValue))),
            .bool(user.disabled), .int(StoreTime.micros(user.updatedAt)), .text(user.id)
        ).run()
    }

    func setPassword(userID: String, passwordHash: String, changedAt: Date) throws {
        // The user changed (password_changed_at), so its version moves on.
        try db.prepare(
            "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, version = version + 1 WHERE id = ?"
        ).bind(.text(passwordHash), .int(StoreTime.micros(changedAt)), .int(StoreTime.micros(changedAt)), .text(userID))
            .run()
    }

    func user(id: String) throws -> User? {
        try db.prepare("SELECT \(SQLUserRows.columns) FROM users WHERE id = ?").bind(.text(id)).first(SQLUserRows.user)
    }

    func user(username: String) throws -> User? {
        guard let key = CredentialRules.usernameKey(username) else { return nil }
        return try db.prepare("SELECT \(SQLUserRows.columns) FROM users WHERE username_key = ?").bind(.text(key))
            .first(SQLUserRows.user)
    }

    func passwordHash(userID: String) throws -> String? {
        try db.prepare("SELECT password_hash FROM users WHERE id = ?").bind(.text(userID)).first { $0.text(0) }
    }

    func users(text: String?, role: Role?, includeDisabled: Bool, page: PageRequest) throws -> Page<User> {
        var filter = SQLFilter()
        if let after = page.after {
            filter.add("username_key > ?", .text(after))
        }
        if !includeDisabled { filter.add("disabled = 0") }
        if let text {
            let pattern = SQLValue.text("%" + likeEscaped(text) + "%")
            filter.add("(username \(db.dialect.like) ? ESCAPE '\\' OR display_name \(db.dialect.like) ? ESCAPE '\\')", pattern, pattern)
        }
        // Roles are few per user: filter them here rather than in SQL.
        let rows = try db.prepare(
            "SELECT \(SQLUserRows.columns) FROM users \(filter.clause) ORDER BY username_key"
        ).bind(filter.values).rows(SQLUserRows.user)
        let matching = role.map { r in rows.filter { $0.roles.contains(r) } } ?? rows
        let items = Array(matching.prefix(page.limit))
        return Page(items: items, nextKey: matching.count > page.limit ? items.last.map { CredentialRules.usernameKey($0.username) ?? $0.username } : nil)
    }

    func userIDs(withRole role: Role) throws -> [String] {
        try db.prepare("SELECT id, roles FROM users WHERE disabled = 0").rows { ($0.text(0), $0.text(1)) }
            .filter { StringList.decode($0.1).contains(role.rawValue) }.map(\.0)
    }

    func insertSession(_ session: Session, tokenHash: String) throws {
        try db.prepare(
            "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, revoked_at, peer) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).bind(
            .text(session.id), .text(session.userID), .text(tokenHash), .int(StoreTime.micros(session.createdAt)),
            .int(StoreTime.micros(session.expiresAt)), StoreTime.value(session.revokedAt), .optional(session.peer)
        ).run()
    }

    func session(tokenHash: String) throws -> Session? {
        try db.prepare(
            "SELECT id, user_id, created_at, expires_at, revoked_at, peer FROM sessions WHERE token_hash = ?"
        ).bind(.text(tokenHash)).first { row in
            Session(
                id: row.text(0), userID: row.text(1), createdAt: StoreTime.date(row.int(2)),
                expiresAt: StoreTime.date(row.int(3)), revokedAt: row.optionalInt(4).map(StoreTime.date),
                peer: row.optionalText(5))
        }
    }

    func revokeSession(id: String, at: Date) throws {
        try db.prepare("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(.int(StoreTime.micros(at)), .text(id)).run()
    }

    func revokeSessions(userID: String, except keeping: String?, at: Date) throws -> Int {
        try db.prepare(
            "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id != ?"
        ).bind(.int(StoreTime.micros(at)), .text(userID), .text(keeping ?? "")).run()
    }
}

/// The column lists and row mappings of `SQLUserRepository`, shared by both dialects.
enum SQLUserRows {
    static let columns = "id, version, username, display_name, roles, disabled, created_at, updated_at, password_changed_at"

    static func user(_ row: some SQLRow) -> User {
        User(
            id: row.text(0), version: Int(row.int(1)), username: row.text(2), displayName: row.text(3),
            roles: StringList.decode(row.text(4)).compactMap(Role.init(rawValue:)), disabled: row.bool(5),
            createdAt: StoreTime.date(row.int(6)), updatedAt: StoreTime.date(row.int(7)),
            passwordChangedAt: StoreTime.date(row.int(8)))
    }
}
