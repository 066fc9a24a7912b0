import AegisTestSupport
import Foundation
import Testing

/// `aegisctl store migrate`: a store aegisd wrote on SQLite, moved to
/// PostgreSQL, then served from there by aegisd.
@Suite(.serialized) struct StoreMigrateCtlTests {
    @Test func movesAStoppedSQLiteStoreToPostgreSQL() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let sqlite = "sqlite:" + daemon.dataDirectory.appendingPathComponent("aegis.sqlite").path
        let url = try TestPostgres.url(schema: try TestPostgres.createSchema())
        let password = try #require(URLComponents(string: url)?.password)
        #expect(password.count >= 8)
        func migrate() throws -> CommandResult {
            let result = try aegisctl(["store", "migrate", "--from", sqlite, "--to", url], environment: [:])
            #expect(!result.stdout.contains(password) && !result.stderr.contains(password))
            return result
        }

        let running = try migrate()
        #expect(running.status == 1)
        #expect(running.stderr.contains("an aegisd is running on"))
        #expect(daemon.terminate() == 0)

        let copied = try migrate()
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stderr.contains("to postgres://***@"))
        let lines = copied.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["TABLE", "ROWS", "CHECKSUM"])
        #expect(lines.contains { $0.hasPrefix("techniques ") && $0.contains(" 95  ") })
        #expect(lines.contains { $0.hasPrefix("api_keys ") })
        #expect(!lines.contains { $0.contains("MISMATCH") })
        #expect(lines.last?.hasPrefix("copied ") == true)
        #expect(lines.last?.contains("; verified") == true)

        let again = try migrate()
        #expect(again.status == 1)
        #expect(again.stderr.contains("the target database is not empty"))

        let missing = try aegisctl(
            ["store", "migrate", "--from", "sqlite:" + daemon.directory.path("missing.sqlite"), "--to", url],
            environment: [:])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no SQLite store at"))

        // The same data directory (admin key) on the copy: aegisd serves it.
        let served = try DaemonProcess(extraArguments: ["--database", url], reusing: daemon.directory)
        let info = try aegisctl(["info"], environment: served.clientEnvironment)
        #expect(info.stdout.contains("postgresql"), "\(info.stderr)")
        let technique = try aegisctl(["technique", "get", "T0803"], environment: served.clientEnvironment)
        #expect(technique.status == 0, "\(technique.stderr)")
        #expect(technique.stdout.contains("Block Command Message"))
        #expect(served.terminate() == 0)
    }
}
