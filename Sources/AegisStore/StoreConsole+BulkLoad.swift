import Foundation

extension StoreConsole {
    /// A value for `BulkLoader`.
    public enum Cell: Sendable {
        case null
        case int(Int64)
        case text(String)
        case blob(Data)

        var sql: SQLValue {
            switch self {
            case .null: .null
            case .int(let v): .int(v)
            case .text(let v): .text(v)
            case .blob(let v): .blob(v)
            }
        }
    }

    /// Rows into a bare table on one connection, the fastest way each
    /// database offers, for benchmarks to compare the daemon's writes with:
    /// PostgreSQL `COPY ... FROM STDIN`; SQLite multi-row inserts (100 rows
    /// a statement, prepared once) in one transaction, with the store's
    /// pragmas (WAL, `synchronous=FULL`).
    /// One thread at a time.
    public final class BulkLoader: @unchecked Sendable {
        private let sqlite: SQLiteConnection?
        private let postgres: PostgresConnection?

        public init(_ location: StoreLocation) throws {
            switch location {
            case .sqlite(let path):
                sqlite = try SQLiteConnection(path: path)
                postgres = nil
            case .postgres(let url):
                sqlite = nil
                postgres = try PostgresConnection(url: url)
            }
        }

        /// Runs `sql` (no results).
        public func execute(_ sql: String) throws {
            if let sqlite { try sqlite.execute(sql) }
            if let postgres { try postgres.execute(sql) }
        }

        /// Writes `rows` into `table` (`columns` in order) and commits: one
        /// `COPY` on PostgreSQL, one transaction on SQLite.
        public func load(_ table: String, columns: [String], rows: [[Cell]]) throws {
            if let postgres {
                _ = try postgres.copyIn("COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN") { stream in
                    for row in rows { try stream.row(row.map(\.sql)) }
                }
            }
            if let sqlite {
                try sqlite.execute("BEGIN IMMEDIATE")
                do {
                    try sqlite.insertRows(
                        "\(table) (\(columns.joined(separator: ", ")))", columns: columns.count, rows.map { $0.map(\.sql) })
                    try sqlite.commit()
                } catch {
                    sqlite.rollback()
                    throw error
                }
            }
        }
    }
}
