import AegisStore
import ArgumentParser
import Foundation

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Work on a store directly (no daemon).", subcommands: [StoreMigrate.self])
}

/// Copies a stopped SQLite store into an empty PostgreSQL database and
/// verifies the copy; runs locally, talking to no aegisd.
struct StoreMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Copy a stopped SQLite store into an empty PostgreSQL database.",
        discussion: """
            Stop aegisd first (a running one is refused: it holds its data directory's lock). The SQLite store must \
            have the schema of this version: after upgrading, start the new aegisd once on SQLite, stop it, then \
            migrate. The target must be an empty database (or schema: set search_path in the URL's options); \
            aegisctl applies the migrations, copies every table in one transaction, then compares each table's \
            row count and a SHA-256 of its rows on both sides. To keep the password off the command line, leave \
            it out of the URL and set PGPASSWORD or use ~/.pgpass. Then start aegisd with \
            --database postgres://... (or AEGIS_DATABASE_URL). The evidence files the store references are copied \
            too, from the blobs folder beside the SQLite file (or --blobs DIR) into the database, after the tables: \
            each is hashed first (a missing or altered one refuses the migration before anything is written), then \
            read back and checked; the files stay in place, and files no evidence references are skipped. \
            Exits 1 on refusal, failure or a mismatch.

            Example: aegisctl store migrate --from sqlite:/var/lib/aegis/aegis.sqlite \
            --to postgres://aegis@db.example/aegis
            """)

    @Option(name: .long, help: "The SQLite store: sqlite:PATH (aegis.sqlite in aegisd's data directory).")
    var from: String

    @Option(name: .long, help: "The empty PostgreSQL database: postgres://USER@HOST[:PORT]/DB.")
    var to: String

    @Option(
        name: .long, help: "The folder of the evidence files (default: blobs beside the SQLite file).",
        completion: .directory)
    var blobs: String?

    func run() throws {
        let source = try location(from, "--from")
        let target = try location(to, "--to")
        guard case .sqlite(let path) = source else { throw ValidationError("--from must be sqlite:PATH") }
        guard case .postgres(let url) = target else { throw ValidationError("--to must be a postgres:// URL") }
        FileHandle.standardError.write(Data("migrating \(source.redacted) to \(target.redacted)\n".utf8))
        do {
            let report = try StoreCopy.run(from: path, to: url, blobs: blobs) { Output.progress($0) }
            Output.endProgress()
            printTable(report)
            if report.skippedBlobFiles > 0 {
                print("skipped \(report.skippedBlobFiles) files in the blobs folder that no evidence references")
            }
            print(
                "copied \(report.rows) rows in \(report.copyMilliseconds) ms; verified in \(report.verifyMilliseconds) ms"
            )
            print(
                "copied \(report.blobs) evidence files (\(StoreCopy.megabytes(report.blobBytes))) in "
                    + "\(report.blobCopyMilliseconds) ms; verified in \(report.blobVerifyMilliseconds) ms")
        } catch {
            Output.endProgress()
            if case StoreCopyError.verificationFailed(let report) = error {
                printTable(report)
                fflush(nil)
            }
            let message = PasswordScrubber(url: url).scrub("\(error)")
            FileHandle.standardError.write(Data("aegisctl: \(message)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func location(_ text: String, _ option: String) throws -> StoreLocation {
        do {
            return try StoreLocation.parse(text, dataDirectory: URL(fileURLWithPath: "."))
        } catch {
            throw ValidationError("\(option): \(PasswordScrubber(url: text).scrub("\(error)"))")
        }
    }

    private func printTable(_ report: StoreCopyReport) {
        let width = max(5, report.tables.map(\.name.count).max() ?? 0)
        func line(_ cells: [String]) -> String {
            cells[0].padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: max(0, 9 - cells[1].count)) + cells[1] + "  " + cells[2]
        }
        print(line(["TABLE", "ROWS", "CHECKSUM"]))
        for table in report.tables {
            let sum = String(table.targetChecksum.prefix(16))
            let rows =
                table.sourceRows == table.targetRows ? "\(table.targetRows)" : "\(table.sourceRows)≠\(table.targetRows)"
            print(line([table.name, rows, table.matches ? sum : "\(sum) MISMATCH"]))
        }
    }
}

/// Removes a URL's password from messages (a library's error may quote
/// parts of the URL it could not parse).
struct PasswordScrubber {
    private var secrets: [String] = []

    init(url: String) {
        guard let scheme = url.range(of: "://") else { return }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@") else { return }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return }
        let password = String(userInfo[userInfo.index(after: colon)...])
        guard !password.isEmpty else { return }
        secrets = [password, password.removingPercentEncoding].compactMap { $0 }.filter { !$0.isEmpty }
    }

    func scrub(_ message: String) -> String {
        secrets.reduce(message) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
