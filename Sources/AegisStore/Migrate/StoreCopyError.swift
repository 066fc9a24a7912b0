/// Why `StoreCopy` refused or failed. The messages name files, tables and
/// schema versions, never a database URL (it may hold a password).
public enum StoreCopyError: Error, CustomStringConvertible {
    /// No file at the source path.
    case sourceMissing(path: String)
    /// An aegisd holds the lock of the data directory the file is in.
    case daemonRunning(dataDirectory: String)
    /// The file is not a SQLite database Aegis wrote.
    case notAnAegisStore(path: String, detail: String)
    /// The source's schema is not the newest this build knows.
    case sourceSchema(found: Int, expected: Int)
    /// A table of the source is missing from, added to or shaped unlike
    /// the schema this build's migrations create.
    case unexpectedTable(String)
    /// The target already holds (some of) an Aegis schema.
    case targetNotEmpty(tables: [String])
    /// After migrating, the target lacks a table or columns of the source.
    case targetSchema(table: String, missing: [String])
    /// A table or column name that needs quoting.
    case unsupportedName(String)
    /// Tables whose foreign keys reference each other in a cycle.
    case foreignKeyCycle([String])
    /// Copying stopped part way; the target keeps the schema and perhaps rows.
    case copyFailed(table: String?, underlying: any Error)
    /// Row counts or checksums differ after the copy (the report says where).
    case verificationFailed(StoreCopyReport)
    /// Evidence files the store references are missing from its blobs
    /// folder (or unreadable) or do not hash to their names; nothing was
    /// written to the target.
    case evidenceFiles(directory: String, referenced: Int, missing: [String], altered: [String])
    /// Storing or reading back an evidence file failed after the tables
    /// were copied.
    case blobCopyFailed(sha256: String, underlying: any Error)
    /// Evidence files read back from the target differ from the source's.
    case blobVerificationFailed(sha256s: [String])

    public var description: String {
        switch self {
        case .sourceMissing(let path):
            "no SQLite store at \(path)"
        case .daemonRunning(let directory):
            "an aegisd is running on \(directory); stop it before migrating its store"
        case .notAnAegisStore(let path, let detail):
            "\(path) is not an Aegis store: \(detail)"
        case .sourceSchema(let found, let expected):
            "the store has schema version \(found) but this aegisctl copies version \(expected): "
                + (found < expected
                    ? "start this version's aegisd once on the SQLite store to upgrade it, stop it, then migrate"
                    : "use the aegisctl of the aegisd that wrote it")
        case .unexpectedTable(let name):
            "the store's table \(name) is missing, extra or has other columns than this version's schema"
        case .targetNotEmpty(let tables):
            "the target database is not empty: it has Aegis tables ("
                + (tables.count > 4
                    ? tables.prefix(3).joined(separator: ", ") + " and \(tables.count - 3) more"
                    : tables.joined(separator: ", "))
                + "); migrate into a new, empty database or schema"
        case .targetSchema(let table, let missing):
            missing.isEmpty
                ? "the target has no table \(table) after migrating"
                : "the target's table \(table) lacks columns \(missing.joined(separator: ", ")) after migrating"
        case .unsupportedName(let name):
            "the store has a table or column named \(name), which the copy does not support"
        case .foreignKeyCycle(let tables):
            "the foreign keys of \(tables.joined(separator: ", ")) form a cycle; the copy cannot order them"
        case .copyFailed(let table, let underlying):
            "copying \(table.map { "table \($0)" } ?? "the store") failed: \(underlying); "
                + "the target now holds the Aegis schema: empty it (drop and create the database or schema) "
                + "before trying again"
        case .verificationFailed(let report):
            "verification failed: row counts or checksums differ for "
                + "\(report.tables.filter { !$0.matches }.map(\.name).joined(separator: ", ")); "
                + "do not use the target"
        case .evidenceFiles(let directory, let referenced, let missing, let altered):
            "of the \(referenced) evidence files the store references, "
                + [
                    missing.isEmpty ? nil : "\(missing.count) missing from \(directory) (\(Self.first(missing)))",
                    altered.isEmpty
                        ? nil : "\(altered.count) whose content does not match the name (\(Self.first(altered)))",
                ].compactMap { $0 }.joined(separator: " and ")
                + "; nothing was written to the target. Point --blobs at the folder that holds them, restore them "
                + "from a backup, or delete that evidence through aegisd, then migrate"
        case .blobCopyFailed(let sha256, let underlying):
            "copying evidence file \(sha256) failed: \(underlying); the target now holds the tables and perhaps "
                + "some evidence: empty it (drop and create the database or schema) before trying again"
        case .blobVerificationFailed(let sha256s):
            "verification failed: \(sha256s.count) evidence files differ in the target (\(Self.first(sha256s))); "
                + "do not use the target"
        }
    }

    /// The first few of `names`, and how many more.
    private static func first(_ names: [String]) -> String {
        names.count > 4
            ? names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more" : names.joined(separator: ", ")
    }
}
