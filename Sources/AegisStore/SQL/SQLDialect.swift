/// What differs between the SQL of SQLite and PostgreSQL in the queries
/// the repositories share. Everything else is written once, in the subset
/// both accept.
struct SQLDialect: Sendable {
    /// `sqlite` or `postgresql`.
    let name: String

    /// The UTC month (`2026-11`) of a column holding microseconds.
    func month(ofMicros column: String) -> String {
        name == "sqlite"
            ? "strftime('%Y-%m', \(column) / 1000000, 'unixepoch')"
            : "to_char(to_timestamp(\(column) / 1000000.0) AT TIME ZONE 'UTC', 'YYYY-MM')"
    }
    /// The text values of `column` in a group, joined by commas (in no
    /// particular order).
    func joined(_ column: String) -> String {
        name == "sqlite" ? "group_concat(\(column), ',')" : "string_agg(\(column), ',')"
    }
    /// Case-insensitive pattern match for ASCII, with `\` as the escape:
    /// SQLite's `LIKE` is already case-insensitive; PostgreSQL needs `ILIKE`.
    let like: String
    /// `column = ?`, ignoring ASCII case (so an index on the folded column
    /// serves it).
    let equalsIgnoringCase: @Sendable (_ column: String) -> String

    /// Starts a write transaction that excludes other writers from the
    /// start (for migrations): SQLite's write lock, or a transaction-scoped
    /// advisory lock on PostgreSQL.
    let beginExclusive: String
    /// Starts the writer's transaction.
    let beginWrite: String
    /// Starts a read-only transaction that sees one snapshot throughout.
    let beginRead: String
    /// Takes a lock on a name (kind `?`, name `?`) until the transaction
    /// ends, where several writers commit side by side (PostgreSQL); nil
    /// where one writer runs at a time (SQLite).
    let lockName: String?
    /// Whether events are numbered after their commit, by a sequencing
    /// transaction (PostgreSQL, where writers commit side by side), rather
    /// than inside it (SQLite's single writer).
    let numbersEventsAfterCommit: Bool

    static let sqlite = SQLDialect(
        name: "sqlite", like: "LIKE", equalsIgnoringCase: { "\($0) = ? COLLATE NOCASE" },
        beginExclusive: "BEGIN IMMEDIATE", beginWrite: "BEGIN IMMEDIATE", beginRead: "BEGIN",
        lockName: nil, numbersEventsAfterCommit: false)
    static let postgres = SQLDialect(
        name: "postgresql", like: "ILIKE", equalsIgnoringCase: { "lower(\($0)) = lower(?)" },
        beginExclusive: "BEGIN; SELECT pg_advisory_xact_lock(\(AdvisoryLock.migrations.keys))", beginWrite: "BEGIN",
        beginRead: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        lockName: "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || ?), hashtext(?))",
        numbersEventsAfterCommit: true)

    /// DDL written for SQLite, as this dialect runs it.
    func schema(_ sqlite: String) -> String {
        name == SQLDialect.postgres.name ? PostgresSchema.translate(sqlite) : sqlite
    }
}
