import AegisTestSupport
import Foundation
import Testing

/// `aegisctl test ... --target`: set on create and update, shown by
/// `test get`, and a filter of `test list`.
@Suite struct TestTargetsCtlTests {
    @Test func targetsAreSetShownAndFiltered() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")

        let created = try admin.run(
            [
                "test", "create", "--technique", "T0803", "--name", "Stop the PLC", "--target", "PLC01.ot.example",
                "--target", "10.0.0.7", "--json",
            ])
        #expect(created.status == 0, "\(created.stderr)")
        let test = try object(created)
        let id = try #require(test["id"] as? String)
        #expect(test["targets"] as? [String] == ["PLC01.ot.example", "10.0.0.7"])

        let shown = try admin.run(["test", "get", id])
        #expect(shown.stdout.contains("targets") && shown.stdout.contains("PLC01.ot.example, 10.0.0.7"), "\(shown.stdout)")

        let listed = try admin.run(["test", "list", "--target", "plc01"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(id))
        let elsewhere = try admin.run(["test", "list", "--target", "plc01.it.example"])
        #expect(!elsewhere.stdout.contains(id))

        let updated = try admin.run(["test", "update", id, "--version", "1", "--target", "hmi01", "--json"])
        #expect(updated.status == 0, "\(updated.stderr)")
        #expect(try object(updated)["targets"] as? [String] == ["hmi01"])
        let cleared = try admin.run(["test", "update", id, "--version", "2", "--clear-targets", "--json"])
        #expect(try object(cleared)["targets"] as? [String] == [])

        let refused = try admin.run(["test", "update", id, "--version", "3", "--target", "bad host"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("INVALID_ARGUMENT"))
        let contradictory = try admin.run(["test", "update", id, "--version", "3", "--target", "a", "--clear-targets"])
        #expect(contradictory.status != 0)
    }
}
