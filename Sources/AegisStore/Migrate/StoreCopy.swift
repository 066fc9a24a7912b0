import CSodium
import Foundation

/// Copies a stopped embedded (SQLite) store into an empty PostgreSQL
/// database (`aegisctl store migrate`):
///
/// 1. opens the SQLite file read-only, refusing it while an aegisd holds its
///    data directory's lock, and reads everything in one snapshot;
/// 2. requires the newest schema version this build knows;
/// 3. refuses a target that has any Aegis table, then applies the
///    migrations there;
/// 4. copies every table (listed from the source's schema, parents first,
///    rows in insertion order) with `COPY` in one transaction, and moves
///    identity sequences past the copied ids;
/// 5. verifies, after the commit, each table's row count and a checksum of
///    its rows in key order on both sides.
public enum StoreCopy {
    /// Runs the copy; `progress` hears a line per step. Throws
    /// `StoreCopyError` on refusal, failure or a mismatch.
    public static func run(
        from sqlitePath: String, to postgresURL: String, progress: (String) -> Void = { _ in }
    ) throws -> StoreCopyReport {
        guard sodium_init() >= 0 else { throw StoreCopyError.copyFailed(table: nil, underlying: SodiumUnavailable()) }
        let source = try CopySource(path: sqlitePath)
        let version = try source.schemaVersion()
        let expected = Migrations.all.last?.version ?? 0
        guard version == expected else { throw StoreCopyError.sourceSchema(found: version, expected: expected) }
        let tables = try source.tables()

        let target = try CopyTarget(url: postgresURL)
        let existing = try target.existingTables(among: tables.map(\.name))
        guard existing.isEmpty else { throw StoreCopyError.targetNotEmpty(tables: existing) }
        progress("applying \(expected) migrations to the target")
        try target.migrate()
        for table in tables { try target.checkHasColumns(of: table) }

        let copyStart = ContinuousClock.now
        try target.fill(tables, from: source, autoincrementHighs: try source.autoincrementHighs()) { table, rows in
            progress("copied \(table.name): \(rows) rows")
        }
        let copyTime = ContinuousClock.now - copyStart

        progress("verifying")
        let verifyStart = ContinuousClock.now
        let targetSums = try target.checksums(of: tables)
        let report = StoreCopyReport(
            tables: try tables.map { table in
                let sourceSum = try source.checksum(of: table)
                let targetSum = targetSums[table.name] ?? (0, "")
                return StoreCopyReport.Table(
                    name: table.name, sourceRows: sourceSum.rows, targetRows: targetSum.rows,
                    sourceChecksum: sourceSum.checksum, targetChecksum: targetSum.checksum)
            },
            schemaVersion: version, copyMilliseconds: milliseconds(copyTime),
            verifyMilliseconds: milliseconds(ContinuousClock.now - verifyStart))
        guard report.verified else { throw StoreCopyError.verificationFailed(report) }
        return report
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// libsodium (for SHA-256) could not initialise.
struct SodiumUnavailable: Error, CustomStringConvertible {
    var description: String { "libsodium failed to initialise" }
}
