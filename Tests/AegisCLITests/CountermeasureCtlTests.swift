import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// `aegisctl countermeasure`, `report countermeasures` and the
/// countermeasures `technique get` and `report remediation` show, against a
/// real aegisd on the ICS catalog.
@Suite struct CountermeasureCtlTests {
    /// Three countermeasures on ICS techniques, synced as the D3FEND plugin will.
    func sync(_ daemon: DaemonProcess) throws {
        let key = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let client = try AegisClient(endpoint: daemon.rpc, apiKey: key)
        func entry(_ id: String, _ name: String, _ tactic: String) -> MessagePackValue {
            .map([
                "id": .string(id), "name": .string(name), "tactic": .string(tactic),
                "definition": .string("Does \(name)."),
            ])
        }
        func link(_ technique: String, _ countermeasure: String) -> MessagePackValue {
            .map([
                "attack_id": .string(technique), "countermeasure_id": .string(countermeasure),
                "artifacts": ["sends:Message<analyzes:NetworkTraffic"],
            ])
        }
        let result = try client.call(
            "countermeasure.sync",
            [
                "source": "d3fend", "version": "1.2.0",
                "techniques": [
                    entry("D3-NTA", "Network Traffic Analysis", "Detect"),
                    entry("D3-NTF", "Network Traffic Filtering", "Isolate"),
                    entry("D3-PH", "Platform Hardening", "Harden"),
                ],
                "links": [
                    link("T0803", "D3-NTF"), link("T0803", "D3-NTA"), link("T0803", "D3-PH"), link("T0800", "D3-PH"),
                ],
            ])
        #expect(result["links"] == 4)
    }

    @Test func countermeasuresFromTheCommandLine() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")
        let empty = try admin.run(["countermeasure", "list"])
        #expect(empty.status == 0 && empty.stdout == "no countermeasures\n", "\(empty.stderr)")
        try sync(daemon)

        let listed = try admin.run(["countermeasure", "list"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID      TACTIC   NAME") == true, "\(listed.stdout)")
        #expect(lines.dropFirst().map { String($0.prefix(6)) } == ["D3-NTA", "D3-NTF", "D3-PH "])
        #expect(lines[3].contains("Harden") && lines[3].contains("d3fend") && lines[3].contains("1.2.0"))
        let harden = try list(try admin.run(["countermeasure", "list", "--tactic", "harden", "--json"]))
        #expect(harden.map { $0["id"] as? String } == ["D3-PH"])
        let forT0800 = try list(try admin.run(["countermeasure", "list", "--technique", "T0800", "--json"]))
        #expect(forT0800.map { $0["id"] as? String } == ["D3-PH"])
        #expect(
            try list(try admin.run(["countermeasure", "list", "-q", "traffic", "--limit", "1", "--json"])).count == 1)

        let shown = try admin.run(["countermeasure", "get", "d3-ph"])
        #expect(shown.status == 0, "\(shown.stderr)")
        for text in [
            "id       D3-PH", "tactic   Harden", "version  1.2.0", "Does Platform Hardening.", "addresses 2 techniques",
            "T0800  Activate Firmware Update Mode  sends:Message<analyzes:NetworkTraffic",
        ] {
            #expect(shown.stdout.contains(text), "\(text) missing from \(shown.stdout)")
        }
        let missing = try admin.run(["countermeasure", "get", "D3-NOPE"])
        #expect(missing.status == 2 && missing.stderr.contains("NOT_FOUND"), "\(missing.stderr)")
        let malformed = try admin.run(["countermeasure", "list", "--tactic", "protect"])
        #expect(malformed.status == 2 && malformed.stderr.contains("INVALID_ARGUMENT"))

        // technique get: the countermeasures by tactic, in D3FEND's order.
        let technique = try admin.run(["technique", "get", "T0803"])
        #expect(
            technique.stdout.contains(
                "\ncountermeasures\n  Harden   D3-PH   Platform Hardening\n  Detect   D3-NTA  Network Traffic Analysis\n"
                    + "  Isolate  D3-NTF  Network Traffic Filtering\n"), "\(technique.stdout)")
        #expect(try admin.run(["technique", "get", "T0801"]).stdout.contains("\ncountermeasures  none\n"))

        // A missed test of T0803 makes it a gap.
        let blue = try object(try admin.run(["api-key", "create", "bl", "--role", "blue_lead", "--json"]))
        let missed = try validatedTest(
            admin, blueKey: try #require(blue["key"] as? String), technique: "T0803", started: "2025-03-01T12:00:00Z",
            blue: [])
        let ranked = try admin.run(["report", "countermeasures", "--domain", "ics-attack"])
        #expect(ranked.status == 0, "\(ranked.stderr)")
        #expect(
            ranked.stdout.hasPrefix(
                "ics-attack: 1 gap technique, 1 addressed by a countermeasure, 0 by none\n\nRANK  ID"))
        #expect(
            ranked.stdout.contains("1     D3-NTA  Detect   1     Network Traffic Analysis   T0803"), "\(ranked.stdout)")
        let actor = try admin.run(["report", "countermeasures", "--actor", "G0034", "--domain", "ics-attack"])
        #expect(
            actor.stdout.hasPrefix("ics-attack: 3 gap techniques of G0034, 0 addressed by a countermeasure, 3 by none"))
        #expect(actor.stdout.contains("no countermeasure addresses a gap"))
        let json = try object(
            try admin.run(["report", "countermeasures", "--domain", "ics-attack", "--tactic", "isolate", "--json"]))
        #expect((json["items"] as? [[String: Any]])?.first?["gaps"] as? Int == 1)

        let remediation = try admin.run(["report", "remediation"])
        #expect(remediation.stdout.contains("COUNTERMEASURES") && remediation.stdout.contains("D3-NTA, D3-NTF, D3-PH"))
        #expect(remediation.stdout.contains(missed))
        let csv = daemon.directory.url.appendingPathComponent("countermeasures.csv")
        let exported = try admin.run([
            "report", "export", "countermeasures", "--domain", "ics-attack", "--tactic", "Harden", "--out", csv.path,
        ])
        #expect(exported.status == 0 && exported.stdout == "wrote 1 rows to \(csv.path)\n", "\(exported.stderr)")
        #expect(
            try String(contentsOf: csv, encoding: .utf8)
                == "rank,countermeasure_id,countermeasure,tactic,gaps,technique_ids\r\n1,D3-PH,Platform Hardening,Harden,1,T0803\r\n"
        )
        #expect(daemon.terminate() == 0)
    }

    private func list(_ result: CommandResult) throws -> [[String: Any]] {
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }
}
