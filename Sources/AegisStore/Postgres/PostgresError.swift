import AegisDomain
import CLibPQ

/// A failure reported by libpq or the PostgreSQL server. Lost connections,
/// timeouts, serialization failures and a server that is starting or
/// shutting down are `UNAVAILABLE` (retry); anything else is a bug and
/// reaches clients as `INTERNAL`, never with SQL or a password in it.
public struct PostgresError: SQLDatabaseError, CustomStringConvertible {
    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: String?
    /// libpq's or the server's message, for logs only.
    public var detail: String
    /// Whether the connection is gone (reconnect before the next statement).
    public var connectionLost: Bool

    public var description: String { "PostgreSQL error \(sqlState ?? "-----"): \(detail)" }

    var isConnectionLost: Bool { connectionLost }

    /// `unique_violation`.
    var isUniqueViolation: Bool { sqlState == "23505" }

    /// Worth retrying on a fresh connection or later.
    var isTransient: Bool {
        if connectionLost { return true }
        guard let state = sqlState else { return false }
        // 08: connection exception; 53: insufficient resources; 57: operator
        // intervention (shutdown, cancel, statement timeout); 40001/40P01:
        // serialization failure and deadlock.
        return state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57") || state == "40001"
            || state == "40P01"
    }
}

extension PostgresError: CodedError {
    public var code: ErrorCode {
        if isTransient { return .unavailable }
        // character_not_in_repertoire: a text value with U+0000.
        return sqlState == "22021" ? .invalidArgument : .internal
    }

    public var message: String {
        if isTransient { return "the database is unavailable; retry" }
        return sqlState == "22021" ? "text must not contain U+0000 (NUL)" : "internal store error"
    }

    public var details: [String: Value] { [:] }
}
