import AegisTestSupport
import Foundation
import Testing

/// `aegisctl score` against a real aegisd on the ICS catalog.
@Suite struct ScoreCtlTests {
    @Test func scoresAndWeightsFromTheCommandLine() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")

        let org = try admin.run(["score", "org", "--domain", "ics-attack"])
        #expect(org.status == 0, "\(org.stderr)")
        #expect(org.stdout.contains("organisation (ics-attack): 0.0 / 100"))
        #expect(org.stdout.contains("Inhibit Response Function"))
        #expect(org.stdout.contains("COMPONENT"))

        let json = try admin.run(["score", "technique", "T0803", "--domain", "ics-attack", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let technique = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(technique["technique_id"] as? String == "T0803")
        #expect((technique["components"] as? [Any])?.count == 5)

        let visibility = try admin.run(["score", "visibility", "T0803", "4", "--note", "PLC audit logs"])
        #expect(visibility.status == 0, "\(visibility.stderr)")
        #expect(visibility.stdout.contains("T0803: 20.0 / 100"))

        let weights = try admin.run(["score", "weights"])
        #expect(weights.stdout.contains("detection") && weights.stdout.contains("35"))
        let bad = try admin.run(
            ["score", "weights", "--prevention", "50", "--detection", "50", "--rules", "10", "--visibility", "0",
             "--freshness", "0"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("INVALID_ARGUMENT"))
        let partial = try admin.run(["score", "weights", "--prevention", "50"])
        #expect(partial.status != 0)
        let set = try admin.run(
            ["score", "weights", "--prevention", "20", "--detection", "40", "--rules", "0", "--visibility", "30",
             "--freshness", "10", "--json"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("\"version\" : 1") || set.stdout.contains("\"version\": 1"))
        let after = try admin.run(["score", "technique", "T0803", "--domain", "ics-attack"])
        #expect(after.stdout.contains("T0803 Block Command Message: 30.0 / 100"))
    }
}
