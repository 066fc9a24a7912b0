import Foundation

/// The PostgreSQL database being filled. Holds the deployment's startup
/// lock from connecting to the end, so an aegisd starting on the target
/// meanwhile waits (before its first-start work) and then finds the copy.
final class CopyTarget {
    private let connection: PostgresConnection

    init(url: String) throws {
        // No statement timeout: one COPY moves a whole table.
        connection = try PostgresConnection(url: url, statementTimeoutMS: 0)
        // Doubles come back in their shortest exact form.
        try connection.execute("SET extra_float_digits = 3")
        try connection.execute("SELECT pg_advisory_lock(\(AdvisoryLock.startup.keys))")
    }

    /// Which of `names` (and `schema_migrations`) exist in the schema Aegis
    /// would use (the first of the search path).
    func existingTables(among names: [String]) throws -> [String] {
        let wanted = Set((names + ["schema_migrations"]).map { $0.lowercased() })
        let present = try connection.prepare(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
        ).rows { $0.text(0) }
        let found = present.filter(wanted.contains)
        return found.filter { $0 == "schema_migrations" } + found.filter { $0 != "schema_migrations" }
    }

    /// Applies every migration, as aegisd would on first start.
    func migrate() throws {
        try MigrationRunner(connection: connection).migrate()
    }

    /// Throws unless `table` exists with every column of the source.
    func checkHasColumns(of table: TableLayout) throws {
        let columns = Set(
            try connection.prepare(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
            ).bind(.text(table.name.lowercased())).rows { $0.text(0) })
        guard !columns.isEmpty else { throw StoreCopyError.targetSchema(table: table.name, missing: []) }
        let missing = table.columns.filter { !columns.contains($0.lowercased()) }
        guard missing.isEmpty else { throw StoreCopyError.targetSchema(table: table.name, missing: missing) }
    }

    /// Replaces the rows of every table in `tables` (parents first) with the
    /// source's, in one transaction, and moves each identity column's
    /// sequence past the copied ids; `copied` runs after each table with its
    /// row count.
    func fill(
        _ tables: [TableLayout], from source: CopySource, autoincrementHighs: [String: Int64],
        copied: (TableLayout, Int) -> Void
    ) throws {
        var current: String?
        do {
            try connection.execute("BEGIN")
            // Rows the migrations seeded (event_counter's) make way for the
            // source's; TRUNCATE also locks the tables until the commit.
            if !tables.isEmpty {
                try connection.execute("TRUNCATE TABLE \(tables.map(\.name).joined(separator: ", "))")
            }
            for table in tables {
                current = table.name
                let count = try connection.copyIn("COPY \(table.name) (\(table.columnList)) FROM STDIN") { stream in
                    try source.rows(of: table, order: table.insertionOrder) { try stream.row($0) }
                }
                copied(table, count)
            }
            current = nil
            try advanceIdentities(of: Set(tables.map { $0.name.lowercased() }), past: autoincrementHighs)
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw StoreCopyError.copyFailed(table: current, underlying: error)
        }
    }

    /// Sets each identity column's sequence so the next default value is
    /// above both the largest id copied and SQLite's AUTOINCREMENT high mark.
    private func advanceIdentities(of tables: Set<String>, past highs: [String: Int64]) throws {
        let identities = try connection.prepare(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1, 2
            """
        ).rows { (table: $0.text(0), column: $0.text(1)) }
        for identity in identities where tables.contains(identity.table) {
            let largest =
                try connection.prepare("SELECT coalesce(max(\(identity.column)), 0) FROM \(identity.table)")
                .first { $0.int(0) } ?? 0
            let high = max(largest, highs[identity.table] ?? 0)
            // setval(sequence, n, true): the next value is n + 1; (1, false): it is 1.
            try connection.prepare("SELECT setval(pg_get_serial_sequence(?, ?), ?, ?)")
                .bind(.text(identity.table), .text(identity.column), .int(max(high, 1)), .bool(high >= 1))
                .run()
        }
    }

    /// Row count and checksum of each of `tables`, rows in key order, all
    /// from one snapshot.
    func checksums(of tables: [TableLayout]) throws -> [String: (rows: Int, checksum: String)] {
        try connection.execute(connection.dialect.beginRead)
        defer { try? connection.execute("ROLLBACK") }
        var result: [String: (rows: Int, checksum: String)] = [:]
        for table in tables {
            try connection.execute(
                "DECLARE aegis_copy NO SCROLL CURSOR FOR SELECT \(table.columnList) FROM \(table.name) ORDER BY \(table.keyOrder)"
            )
            var sum = TableChecksum()
            while true {
                let batch = try connection.prepare("FETCH 2000 FROM aegis_copy").rows { row -> [SQLValue] in
                    (0..<row.result.columnCount).map { row.value($0) }
                }
                guard !batch.isEmpty else { break }
                for values in batch { sum.add(values) }
            }
            try connection.execute("CLOSE aegis_copy")
            result[table.name] = (sum.rows, sum.finish())
        }
        return result
    }
}
