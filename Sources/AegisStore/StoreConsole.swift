/// Raw SQL on a store's database, outside any daemon: for tests and admin
/// tools that set up or check what the repositories would never write.
/// Nothing the daemon serves goes through here.
public enum StoreConsole {
    /// Runs `sql` (one or more statements, no results).
    public static func execute(_ sql: String, at location: StoreLocation) throws {
        switch location {
        case .sqlite(let path): try SQLiteConnection(path: path).execute(sql)
        case .postgres(let url): try PostgresConnection(url: url).execute(sql)
        }
    }

    /// The first column of the first row of `sql`, as an integer; nil when
    /// there is no row.
    public static func integer(_ sql: String, at location: StoreLocation) throws -> Int64? {
        // Statements do not keep their connection alive: hold it here.
        switch location {
        case .sqlite(let path):
            let connection = try SQLiteConnection(path: path)
            return try withExtendedLifetime(connection) { try connection.prepare(sql).first { $0.int(0) } }
        case .postgres(let url):
            let connection = try PostgresConnection(url: url)
            return try withExtendedLifetime(connection) { try connection.prepare(sql).first { $0.int(0) } }
        }
    }
}
