import AegisClient
import AegisWire
import CalderaTestSupport
import Foundation
import Testing

/// Caldera misbehaving, through the stand-in: each fault is a log line and
/// a counter in the plugin's heartbeat, the plugin keeps running, and what
/// it could not import it imports once Caldera answers again.
@Suite(.serialized) struct CalderaPluginFaultStandInTests {
    static func importedAll(_ aegisd: CalderaAegisd) throws -> Bool {
        try aegisd.tests().filter { $0["state"] == "blue_pending" }.count == 7
    }

    @Test func standInDownThenUpIsCountedThenImported() throws {
        let standIn = try CalderaStandIn()
        standIn.stop()
        let aegisd = try CalderaAegisd(settings: CalderaAegisd.settings(url: standIn.url))
        #expect(try eventually { try aegisd.counter("unreachable") >= 2 })
        #expect(try aegisd.counter("errors") >= 2)
        #expect(try aegisd.logged("reading Caldera's operations: Caldera is unreachable"))
        #expect(try aegisd.plugin()?["state"] == "running")
        #expect(try aegisd.tests().isEmpty)

        try standIn.start()
        #expect(try eventually { try Self.importedAll(aegisd) })
        #expect(try aegisd.events("plugin.crashed").isEmpty)
        #expect(try eventually { try aegisd.counter("imported") == 7 })
    }

    @Test func standIn401WithABadKeyIsCountedAndNothingImported() throws {
        let standIn = try CalderaStandIn()
        let aegisd = try CalderaAegisd(settings: CalderaAegisd.settings(url: standIn.url, key: "NOT-THE-KEY"))
        #expect(try eventually { try aegisd.counter("unauthorized") >= 2 })
        #expect(try aegisd.logged("Caldera refused the credentials (401)"))
        #expect(try aegisd.plugin()?["state"] == "running")
        #expect(try aegisd.tests().isEmpty)
        #expect(try aegisd.admin.call("template.list", ["format": "caldera"])["items"]?.arrayValue?.isEmpty == true)
    }

    @Test func standInServerErrorsMalformedAndSlowAnswersAreCountedThenOutlived() throws {
        let standIn = try CalderaStandIn()
        let operation = standIn.recordings.operationID
        standIn.inject(.status(500, "500: Internal Server Error"), on: "/api/v2/abilities")
        standIn.inject(.body(#"[{"id": "#), on: "/api/v2/operations/\(operation)/links")
        standIn.inject(.delay(5), on: "/api/v2/health")
        let aegisd = try CalderaAegisd(
            settings: CalderaAegisd.settings(url: standIn.url).replacingOccurrences(
                of: "timeout_seconds = 20", with: "timeout_seconds = 1"))
        #expect(try eventually { try aegisd.counter("server_errors") >= 1 && aegisd.counter("malformed") >= 1 })
        #expect(try eventually { try aegisd.counter("timeouts") >= 1 })
        #expect(try aegisd.logged("reading Caldera's abilities: Caldera failed (500)"))
        #expect(try aegisd.logged("Caldera's answer is malformed"))
        #expect(try aegisd.logged("checking Caldera: Caldera did not answer within 1.0 s"))
        #expect(try aegisd.tests().isEmpty)

        standIn.clearFaults()
        #expect(try eventually { try Self.importedAll(aegisd) })
        #expect(
            try eventually {
                try aegisd.admin.call("template.list", ["format": "caldera", "limit": 1])["items"]?.arrayValue?.count
                    == 1
            })
        #expect(try aegisd.events("plugin.crashed").isEmpty)
    }

    @Test func standInUnknownTechniqueIsSkippedAndCounted() throws {
        let standIn = try CalderaStandIn()
        let operation = standIn.recordings.operationID
        guard var links = try standIn.recordings.named("links").json() as? [[String: Any]] else {
            throw Recordings.RecordingMissing(name: "links")
        }
        // The recorded `false` link, as if its ability named no technique Aegis knows.
        let index = try #require(
            links.firstIndex { ($0["ability"] as? [String: Any])?["ability_id"] as? String == "aegis-rec-false" })
        var ability = links[index]["ability"] as? [String: Any] ?? [:]
        ability["technique_id"] = "T9999.001"
        links[index]["ability"] = ability
        standIn.serve(
            "GET", "/api/v2/operations/\(operation)/links", json: try JSONSerialization.data(withJSONObject: links))
        let aegisd = try CalderaAegisd(settings: CalderaAegisd.settings(url: standIn.url))
        #expect(try eventually { try aegisd.tests().filter { $0["state"] == "blue_pending" }.count == 6 })
        #expect(try eventually { try aegisd.counter("skipped_links") == 1 })
        #expect(try aegisd.logged("skipped: technique T9999.001 is not in the catalog, nor a parent of it"))
        // Reported once, not at every poll.
        let polls = try aegisd.counter("polls")
        #expect(try eventually { try aegisd.counter("polls") >= polls + 2 })
        #expect(try aegisd.counter("skipped_links") == 1)
    }

    @Test func badSettingsExitWithStatus78AndAClearLine() throws {
        let aegisd = try CalderaAegisd(settings: "key = \"ADMIN123\"\npoll_seconds = \"often\"")
        let crash = try #require(
            try eventually { try !aegisd.events("plugin.crashed").isEmpty }
                ? aegisd.events("plugin.crashed").first : nil)
        #expect(crash["payload"]?["exit_status"] == 78)
        #expect(try aegisd.logged("aegis-caldera cannot start: Caldera setting url: is required"))
        let unknown = try CalderaAegisd(settings: "url = \"http://127.0.0.1:1\"\nkey = \"k\"\ncolour = \"red\"")
        #expect(try eventually { try unknown.logged("Caldera setting colour: is not a setting") })
        #expect(try eventually { try unknown.plugin()?["exit_status"] == 78 })
    }
}
