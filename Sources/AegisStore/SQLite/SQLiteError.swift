import AegisDomain
import CSQLite

/// A failure reported by SQLite. Busy and locked databases are
/// `UNAVAILABLE` (retry), a full disk `RESOURCE_EXHAUSTED`; anything else is
/// a bug and reaches clients as `INTERNAL`, never with SQL in it.
public struct SQLiteError: Error, CustomStringConvertible {
    public var resultCode: Int32
    /// SQLite's message, for logs only.
    public var detail: String

    public var description: String { "SQLite error \(resultCode): \(detail)" }

    var isUniqueViolation: Bool { resultCode == constraintUnique || resultCode == constraintPrimaryKey }

    // SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY (macros Swift does not import).
    private var constraintUnique: Int32 { SQLITE_CONSTRAINT | (8 << 8) }
    private var constraintPrimaryKey: Int32 { SQLITE_CONSTRAINT | (6 << 8) }
}

extension SQLiteError: SQLDatabaseError {
    var isConnectionLost: Bool { false }
}

extension SQLiteError: CodedError {
    public var code: ErrorCode {
        switch resultCode & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: .unavailable
        case SQLITE_FULL: .resourceExhausted
        default: .internal
        }
    }

    public var message: String {
        switch resultCode & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: "the database is busy; retry"
        case SQLITE_FULL: "the database disk is full"
        default: "internal store error"
        }
    }

    public var details: [String: Value] { [:] }
}
