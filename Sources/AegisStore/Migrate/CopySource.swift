import Foundation

/// The SQLite store being copied, opened read-only and read inside one
/// transaction: every table, and the checksums computed afterwards, come
/// from the same snapshot (WAL mode), whatever else writes to the file.
final class CopySource {
    let path: String
    private let connection: SQLiteConnection
    /// Held until the copy ends, so no aegisd starts on the store meanwhile.
    private let lock: DataDirectoryLock?

    /// Opens the store at `path` and starts its snapshot. Refuses a missing
    /// file, a file an aegisd is using, and a file that is no Aegis store.
    init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw StoreCopyError.sourceMissing(path: path) }
        lock = try DataDirectoryLock(beside: path)
        do {
            connection = try SQLiteConnection(path: path, readOnly: true)
            try connection.execute("BEGIN")
            // The snapshot starts with the first read.
            let found = try connection.prepare(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            ).first { $0.int(0) }
            guard found == 1 else { throw StoreCopyError.notAnAegisStore(path: path, detail: "no schema_migrations") }
        } catch let error as SQLiteError {
            throw StoreCopyError.notAnAegisStore(path: path, detail: error.detail)
        }
    }

    deinit { try? connection.execute("ROLLBACK") }

    /// The newest schema version applied.
    func schemaVersion() throws -> Int {
        Int(try connection.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations").first { $0.int(0) } ?? 0)
    }

    /// Every table but SQLite's own and `schema_migrations`, parents first.
    /// Throws unless they and their columns are the ones this build's
    /// migrations create.
    func tables() throws -> [TableLayout] {
        let tables = try Self.tables(in: connection)
        let reference = try SQLiteConnection(path: ":memory:")
        try MigrationRunner(connection: reference).migrate()
        let expected = try Self.tables(in: reference)
        func shape(_ layouts: [TableLayout]) -> [String: [String]] {
            Dictionary(layouts.map { ($0.name, $0.columns) }, uniquingKeysWith: { a, _ in a })
        }
        let (found, wanted) = (shape(tables), shape(expected))
        for name in Set(found.keys).union(wanted.keys).sorted() where found[name] != wanted[name] {
            throw StoreCopyError.unexpectedTable(name)
        }
        return tables
    }

    private static func tables(in connection: SQLiteConnection) throws -> [TableLayout] {
        let rows = try connection.prepare(
            """
            SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            AND name != 'schema_migrations' ORDER BY name
            """
        ).rows { ($0.text(0), $0.text(1)) }
        let tables = try rows.map { name, sql in try layout(name, sql: sql, in: connection) }
        return try TableLayout.parentsFirst(tables)
    }

    private static func layout(_ name: String, sql: String, in connection: SQLiteConnection) throws -> TableLayout {
        guard TableLayout.isPlainName(name) else { throw StoreCopyError.unsupportedName(name) }
        let columns = try connection.prepare("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid").bind(.text(name))
            .rows { (name: $0.text(0), pk: $0.int(1)) }
        for column in columns where !TableLayout.isPlainName(column.name) {
            throw StoreCopyError.unsupportedName("\(name).\(column.name)")
        }
        let key = columns.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }.map(\.name)
        let parents = try connection.prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)")
            .bind(.text(name)).rows { $0.text(0) }
        return TableLayout(
            name: name, columns: columns.map(\.name), key: key.isEmpty ? columns.map(\.name) : key,
            hasRowID: sql.range(of: "WITHOUT ROWID", options: .caseInsensitive) == nil,
            parents: Set(parents).subtracting([name]))
    }

    /// The highest number each AUTOINCREMENT table has handed out (it may
    /// exceed the largest id left in the table).
    func autoincrementHighs() throws -> [String: Int64] {
        let exists = try connection.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")
            .first { $0.int(0) }
        guard exists == 1 else { return [:] }
        let rows = try connection.prepare("SELECT name, seq FROM sqlite_sequence").rows { ($0.text(0), $0.int(1)) }
        return Dictionary(rows, uniquingKeysWith: max)
    }

    /// The names (SHA-256) of the evidence files the `evidence` table
    /// references, each once, sorted.
    func referencedBlobs() throws -> [String] {
        try connection.prepare("SELECT DISTINCT sha256 FROM evidence ORDER BY sha256").rows { $0.text(0) }
    }

    /// Calls `body` with each row of `table`, its values by storage class
    /// in column order, in `order`.
    func rows(of table: TableLayout, order: String, _ body: ([SQLValue]) throws -> Void) throws {
        let statement = try connection.prepare("SELECT \(table.columnList) FROM \(table.name) ORDER BY \(order)")
        defer { statement.reset() }
        let count = statement.columnCount
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        while try statement.step() {
            values.removeAll(keepingCapacity: true)
            for column in 0..<count { values.append(statement.value(column)) }
            try body(values)
        }
    }

    /// Row count and checksum of `table`, rows in key order.
    func checksum(of table: TableLayout) throws -> (rows: Int, checksum: String) {
        var sum = TableChecksum()
        try rows(of: table, order: table.keyOrder) { sum.add($0) }
        return (sum.rows, sum.finish())
    }
}
