import CSQLite
import Foundation

/// One SQLite connection, used by one thread at a time, with a cache of
/// prepared statements.
final class SQLiteConnection: SQLDatabase {
    private let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) the database at `path` with the pragmas
    /// Aegis relies on: WAL, foreign keys, `synchronous=FULL`.
    init(path: String, readOnly: Bool = false) throws {
        var db: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let detail = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw SQLiteError(resultCode: rc, detail: detail)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA synchronous = FULL")
        try execute("PRAGMA temp_store = MEMORY")
    }

    deinit {
        for statement in statements.values { statement.finalize() }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let detail = error.map { String(cString: $0) } ?? lastError
            sqlite3_free(error)
            throw SQLiteError(resultCode: rc, detail: detail)
        }
    }

    /// A cached prepared statement for `sql`, reset and ready to bind.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw SQLiteError(resultCode: rc, detail: lastError) }
        let statement = SQLiteStatement(stmt, connection: self)
        statements[sql] = statement
        return statement
    }

    var dialect: SQLDialect { .sqlite }
    /// A file is always there.
    func ensureConnected() {}

    /// In-process: nothing to save by waiting.
    func executeLater(_ sql: String) throws { try prepare(sql).run() }
    var hasQueuedWrites: Bool { false }

    func commit() throws { try prepare("COMMIT").run() }

    func rollback() {
        if !isAutocommit { _ = try? prepare("ROLLBACK").run() }
    }
    var lastError: String { String(cString: sqlite3_errmsg(handle)) }
    var changes: Int { Int(sqlite3_changes(handle)) }
    /// False while a transaction is open.
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}
