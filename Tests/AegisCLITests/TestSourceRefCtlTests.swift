import AegisTestSupport
import Foundation
import Testing

/// `aegisctl test create --source-ref`: set once, shown by `test get`, a
/// second creation refused with the first test named, and a filter of
/// `test list`.
@Suite struct TestSourceRefCtlTests {
    @Test func aSourceRefIsSetShownFilteredAndUnique() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")
        let arguments = [
            "test", "create", "--technique", "T0803", "--name", "Imported", "--source-ref", "caldera:link:42",
        ]

        let created = try admin.run(arguments + ["--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try object(created)["id"] as? String)
        #expect(try object(created)["source_ref"] as? String == "caldera:link:42")
        let shown = try admin.run(["test", "get", id])
        #expect(shown.stdout.contains("source") && shown.stdout.contains("caldera:link:42"), "\(shown.stdout)")

        let again = try admin.run(arguments)
        #expect(again.status == 2)
        #expect(again.stderr.contains("ALREADY_EXISTS") && again.stderr.contains(id), "\(again.stderr)")

        let listed = try admin.run(["test", "list", "--source-ref", "caldera:link:42"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(id))
        let other = try admin.run(["test", "list", "--source-ref", "caldera:link:43"])
        #expect(!other.stdout.contains(id))
    }
}
