import Foundation

/// One row of a result, read by column position (from 0). SQLite and
/// PostgreSQL rows read the same way, so the repositories are written once.
protocol SQLRow {
    func isNull(_ column: Int32) -> Bool
    func int(_ column: Int32) -> Int64
    /// A stored 0/1 (or PostgreSQL's `t`/`f`).
    func bool(_ column: Int32) -> Bool
    func double(_ column: Int32) -> Double
    func text(_ column: Int32) -> String
    func blob(_ column: Int32) -> Data
}

extension SQLRow {
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }
}

/// A prepared statement with `?` placeholders: bind by position, then run
/// it, read its first row, or map every row.
protocol SQLStatement {
    associatedtype Row: SQLRow
    /// Binds `values` to the placeholders in order.
    @discardableResult func bind(_ values: [SQLValue]) throws -> Self
    /// Runs a statement that returns no rows; the number of rows it inserted,
    /// updated or deleted.
    @discardableResult func run() throws -> Int
    /// Runs a statement whose outcome nobody reads (an audit row, an
    /// outbox row). PostgreSQL sends it with the next statement waited for,
    /// in one round trip, and an error it meets is thrown there; SQLite runs
    /// it at once.
    func runLater() throws
    /// Maps every row with `transform`.
    func rows<T>(_ transform: (Row) throws -> T) throws -> [T]
    /// The first row mapped with `transform`, nil when there is none.
    func first<T>(_ transform: (Row) throws -> T) throws -> T?
}

extension SQLStatement {
    @discardableResult func bind(_ values: SQLValue...) throws -> Self { try bind(values) }
}

/// A connection the repositories run their queries on, used by one thread
/// at a time. The dialect holds the few spellings that differ.
protocol SQLDatabase: AnyObject {
    associatedtype Statement: SQLStatement
    var dialect: SQLDialect { get }
    /// A cached prepared statement for `sql`, ready to bind.
    func prepare(_ sql: String) throws -> Statement
    /// Runs statements without parameters or results.
    func execute(_ sql: String) throws
    /// Runs `sql` (no parameters, no rows), or queues it to go with the
    /// next statement in one round trip; an error then surfaces there.
    func executeLater(_ sql: String) throws
    /// Whether writes queued with `runLater` wait to be sent (never on SQLite).
    var hasQueuedWrites: Bool { get }
    /// Ends the open transaction, if any; best effort, never throws.
    func rollback()
    /// Commits the open transaction; throws if it was rolled back instead.
    func commit() throws
    /// False while a transaction is open.
    var isAutocommit: Bool { get }
    /// Makes sure the connection is usable, reconnecting if it was lost;
    /// throws `UNAVAILABLE` when the database cannot be reached.
    func ensureConnected() throws
}

/// A failure from either database, as the repositories need to tell it.
protocol SQLDatabaseError: Error {
    /// A UNIQUE or PRIMARY KEY constraint refused the row.
    var isUniqueViolation: Bool { get }
    /// The connection is gone; a fresh one may succeed.
    var isConnectionLost: Bool { get }
}

/// A value bound to a statement parameter.
enum SQLValue {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob(Data)

    static func optional(_ s: String?) -> SQLValue { s.map(SQLValue.text) ?? .null }
    static func bool(_ b: Bool) -> SQLValue { .int(b ? 1 : 0) }
    static func int(_ i: Int) -> SQLValue { .int(Int64(i)) }
}
