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

        // Evidence over 1 MiB: a file in the blobs folder, to be copied.
        let env = daemon.clientEnvironment
        let created = try aegisctl(
            ["test", "create", "--technique", "T0803", "--name", "Moved", "--json"], environment: env)
        let testID = try #require(try json(created)["id"] as? String, "\(created.stderr)")
        let capture = daemon.directory.url.appendingPathComponent("capture.pcap")
        let content = Data((0..<2_500_000).map { UInt8(truncatingIfNeeded: ($0 &* 7919) >> 3) })
        try content.write(to: capture)
        let uploaded = try aegisctl(
            ["evidence", "upload", testID, capture.path, "--side", "red", "--chunk-bytes", "1048576", "--json"],
            environment: env)
        let evidence = try json(uploaded)
        let evidenceID = try #require(evidence["id"] as? String, "\(uploaded.stderr)")
        let sha256 = try #require(evidence["sha256"] as? String)

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
        #expect(lines.contains { $0.hasPrefix("copied ") && $0.contains(" rows in ") && $0.contains("; verified in ") })
        #expect(lines.last?.hasPrefix("copied 1 evidence files (2.5 MB) in ") == true)
        #expect(lines.last?.contains("; verified") == true)
        // The evidence file stays where it was.
        let blob = daemon.dataDirectory.appendingPathComponent("blobs/\(sha256.prefix(2))/\(sha256)")
        #expect(try Data(contentsOf: blob) == content)

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
        let copy = daemon.directory.url.appendingPathComponent("copy.pcap")
        let fetched = try aegisctl(
            ["evidence", "download", evidenceID, "--out", copy.path], environment: served.clientEnvironment)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(try Data(contentsOf: copy) == content)
        #expect(served.terminate() == 0)
    }
}

/// The JSON object `result` printed (`--json`).
private func json(_ result: CommandResult) throws -> [String: Any] {
    #expect(result.status == 0, "\(result.stderr)")
    return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
}
