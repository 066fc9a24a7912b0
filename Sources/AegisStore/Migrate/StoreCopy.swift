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
///    its rows in key order on both sides;
/// 6. copies the evidence files the `evidence` table references from the
///    blobs folder into `blobs`/`blob_chunks`, then reads each back to
///    check its size and SHA-256. Every referenced file was found and
///    hashed to its name before step 3, so a missing or altered one
///    refuses the copy with the target untouched. The files are copied
///    after the tables' commit (they go through `PostgresBlobStore`, on a
///    connection of their own) and stay where they are.
public enum StoreCopy {
    /// Runs the copy; `progress` hears a line per step. `blobsDirectory`
    /// holds the evidence files (default: `blobs` beside the SQLite file,
    /// where aegisd keeps them). Throws `StoreCopyError` on refusal,
    /// failure or a mismatch.
    public static func run(
        from sqlitePath: String, to postgresURL: String, blobs blobsDirectory: String? = nil,
        progress: (String) -> Void = { _ in }
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
        let directory =
            blobsDirectory.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: sqlitePath).deletingLastPathComponent().appendingPathComponent("blobs")
        let referenced = try source.referencedBlobs()
        var pace = Pace()
        let evidence = try EvidenceBlobs.check(referenced, in: directory) { count, bytes in
            if pace.due(count, of: referenced.count) {
                progress("checked \(count)/\(referenced.count) evidence files (\(megabytes(bytes)))")
            }
        }
        if evidence.skipped > 0 {
            progress("skipping \(evidence.skipped) files in \(directory.path) that no evidence references")
        }
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
        var report = StoreCopyReport(
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

        let blobCopy = BlobCopy(url: postgresURL)
        let blobStart = ContinuousClock.now
        try blobCopy.copy(evidence) { count, bytes in
            if pace.due(count, of: evidence.blobs.count) {
                progress("copied \(count)/\(evidence.blobs.count) evidence files (\(megabytes(bytes)))")
            }
        }
        report.blobCopyMilliseconds = milliseconds(ContinuousClock.now - blobStart)
        let blobVerifyStart = ContinuousClock.now
        try blobCopy.verify(evidence) { count, bytes in
            if pace.due(count, of: evidence.blobs.count) {
                progress("verified \(count)/\(evidence.blobs.count) evidence files (\(megabytes(bytes)))")
            }
        }
        report.blobVerifyMilliseconds = milliseconds(ContinuousClock.now - blobVerifyStart)
        (report.blobs, report.blobBytes, report.skippedBlobFiles) =
            (evidence.blobs.count, evidence.bytes, evidence.skipped)
        // The source's data-directory lock and the target's startup lock
        // are held until here.
        withExtendedLifetime((source, target)) {}
        return report
    }

    /// `bytes` in megabytes (10^6), one decimal.
    public static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Paces progress lines: due at most once a second, and at the last of
/// `total` steps.
private struct Pace {
    private var last: ContinuousClock.Instant?

    mutating func due(_ step: Int, of total: Int) -> Bool {
        let now = ContinuousClock.now
        if step < total, let last, now - last < .seconds(1) { return false }
        last = now
        return true
    }
}

/// libsodium (for SHA-256) could not initialise.
struct SodiumUnavailable: Error, CustomStringConvertible {
    var description: String { "libsodium failed to initialise" }
}
