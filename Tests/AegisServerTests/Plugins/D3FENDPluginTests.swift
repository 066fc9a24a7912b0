import AegisClient
import AegisDomain
import AegisTestSupport
import AegisWire
import Foundation
import Testing

@testable import AegisServer

/// `aegis-d3fend` under the supervisor: D3FEND's countermeasures synced at
/// start from the copy the repository carries, and again after a catalog import.
@Suite struct D3FENDPluginTests {
    static func declaration(data: String) -> PluginDeclaration {
        PluginDeclaration(
            name: "d3fend", command: TestData.executable("aegis-d3fend").path, scope: ["countermeasure.sync"],
            settingsJSON: "{\"data\": \"\(data)\", \"version\": \"1.2.0\"}")
    }

    @Test func syncsAtStartAndAfterEveryCatalogImport() throws {
        let data = TestData.repository.appendingPathComponent("plugins/d3fend/data").path
        let daemon = try TestDaemon(attackData: TestData.icsBundle) {
            $0.plugins = [Self.declaration(data: data)]
            $0.pluginPolicy = PluginSupervisorTests.policy
        }
        #expect(try eventually(timeout: .seconds(30)) { try PluginSupervisorTests.logged(daemon, "synced D3FEND 1.2.0 (start)", "d3fend") })
        let page = try daemon.client().call("countermeasure.list", ["limit": 1000])
        #expect(page["items"]?.arrayValue?.count == 249)
        let synced = try #require(try PluginSupervisorTests.events(daemon, "countermeasure.synced").first)
        #expect(synced["actor"] == "plugin:d3fend")

        _ = try daemon.client().call("catalog.import", ["files": .array([try SharedDaemon.icsFile()])])
        #expect(try eventually(timeout: .seconds(30)) {
            try PluginSupervisorTests.logged(daemon, "(catalog.imported ics-attack)", "d3fend")
        })
        // Nothing changed: no second event.
        #expect(try PluginSupervisorTests.events(daemon, "countermeasure.synced").count == 1)
        let status = try #require(try PluginSupervisorTests.status(daemon, "d3fend"))
        #expect(status["state"] == "running")
    }

    @Test func dataItCannotReadIsReportedAndCountedAndItKeepsRunning() throws {
        let daemon = try TestDaemon {
            $0.plugins = [Self.declaration(data: "/nowhere")]
            $0.pluginPolicy = PluginSupervisorTests.policy
        }
        #expect(try eventually(timeout: .seconds(30)) { try PluginSupervisorTests.logged(daemon, "sync failed (start)", "d3fend") })
        #expect(try eventually { (try PluginSupervisorTests.status(daemon, "d3fend")?["status"]?["errors"]?.intValue ?? 0) >= 1 })
        #expect(try PluginSupervisorTests.status(daemon, "d3fend")?["state"] == "running")
    }
}
