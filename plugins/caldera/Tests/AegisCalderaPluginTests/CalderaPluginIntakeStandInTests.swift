import AegisCaldera
import AegisClient
import AegisWire
import CalderaTestSupport
import Foundation
import Testing

/// `aegis-caldera` as aegisd's child against the Caldera stand-in (which
/// replays what a real Caldera 5.3 answered): abilities become templates,
/// finished links become tests waiting for blue, once.
@Suite(.serialized) struct CalderaPluginIntakeStandInTests {
    /// Abilities the recordings hold that give a template: all but the
    /// code-only ones and the one filed under a tactic.
    static func importableAbilities(_ recordings: Recordings) throws -> Int {
        let abilities = try JSONDecoder().decode([CalderaAbility].self, from: recordings.named("abilities").body)
        let files = abilities.compactMap { try? AbilityTemplateFile.make($0).get() }
        #expect(files.count >= abilities.count - 8)
        return files.count
    }

    @Test func standInAbilitiesBecomeTemplatesAndFinishedLinksBecomeTestsWaitingForBlue() throws {
        let standIn = try CalderaStandIn()
        let links = try RecordedLink.all(standIn.recordings)
        let aegisd = try CalderaAegisd(settings: CalderaAegisd.settings(url: standIn.url))

        #expect(try eventually { try aegisd.tests().filter { $0["state"] == "blue_pending" }.count == 7 })
        let tests = try aegisd.tests()
        #expect(tests.count == 7)

        // Abilities: one template each, keyed by the ability id.
        let templates =
            try aegisd.admin.call("template.list", ["format": "caldera", "limit": 1000])["items"]?.arrayValue ?? []
        #expect(templates.count == (try Self.importableAbilities(standIn.recordings)))
        #expect(templates.contains { $0["source"]?["source_id"] == "aegis-rec-echo" && $0["technique_id"] == "T1082" })
        #expect(try aegisd.logged("templates: added \(templates.count), updated 0, unchanged 0, invalid 0"))

        for link in links {
            let test = try #require(tests.first { $0["source_ref"] == .string(link.sourceRef) }, "\(link.abilityID)")
            let red = try #require(test["red"]?.mapValue)
            #expect(test["state"] == "blue_pending")
            #expect(test["blind"] == false)
            #expect(test["created_by"] == "plugin:caldera")
            #expect(test["command"] == .string(link.command))
            #expect(test["executor"] == "sh")
            #expect(test["platform"] == "linux")
            #expect(test["targets"] == .array(["aegis-rec01.lab.example"]))
            #expect(red["outcome"] == (link.status == 0 ? "executed" : "failed"), "\(link.abilityID)")
            #expect(red["attack_started_at"]?.dateValue == link.collect)
            #expect(red["attack_stopped_at"]?.dateValue == link.finish)
            #expect(red["submitted_by"] == "plugin:caldera")
            #expect(red["notes"]?.stringValue?.contains(link.id) == true)
        }
        func test(_ ability: String) throws -> MessagePackValue {
            let link = try #require(links.first { $0.abilityID == ability })
            return try #require(tests.first { $0["source_ref"] == .string(link.sourceRef) })
        }
        func evidenceText(_ ability: String) throws -> String? {
            let id = try #require(try test(ability)["id"]?.stringValue)
            let items = try aegisd.evidence(id)
            #expect(items.count <= 1)
            guard let item = items.first else { return nil }
            #expect(item["side"] == "red")
            let chunk = try aegisd.admin.call("evidence.get", ["id": item["id"] ?? .nil])
            return chunk["data"]?.dataValue.map { String(decoding: $0, as: UTF8.self) }
        }
        // Status 0 with output, 1 with stderr, 124 with a timeout note; none when it printed nothing.
        #expect(try test("aegis-rec-echo")["technique_id"] == "T1082")
        #expect(try evidenceText("aegis-rec-echo")?.contains("--- stdout ---\naegis-recorded\n") == true)
        #expect(try evidenceText("aegis-rec-echo")?.contains("exit code: 0") == true)
        #expect(try evidenceText("aegis-rec-error")?.contains("invalid time interval") == true)
        let timeout = try test("aegis-rec-timeout")
        #expect(timeout["red"]?["outcome"] == "failed")
        #expect(timeout["red"]?["notes"]?.stringValue?.contains("timed out") == true)
        #expect(try evidenceText("aegis-rec-timeout")?.contains("exit code: 124") == true)
        #expect(try evidenceText("aegis-rec-false") == nil)
        #expect(try evidenceText("aegis-rec-true") == nil)
        #expect(try test("aegis-rec-true")["red"]?["outcome"] == "executed")
        // A link naming a sub-technique the catalog lacks (T1059.999) goes to its parent.
        let unknown = try test("aegis-rec-unknown")
        #expect(unknown["technique_id"] == "T1059")
        #expect(
            unknown["red"]?["notes"]?.stringValue?.contains(
                "T1059.999 is not in the catalog: filed under its parent T1059") == true)

        // What the heartbeat tells.
        #expect(try eventually { try aegisd.counter("imported") == 7 })
        #expect(try aegisd.counter("errors") == 0)
        #expect(try aegisd.counter("templates_added") == Int64(templates.count))
    }

    @Test func standInRestartOfThePluginImportsNothingTwice() throws {
        let standIn = try CalderaStandIn()
        let aegisd = try CalderaAegisd(settings: CalderaAegisd.settings(url: standIn.url))
        #expect(try eventually { try aegisd.tests().filter { $0["state"] == "blue_pending" }.count == 7 })
        let before = try aegisd.tests().map { $0["id"]?.stringValue ?? "" }
        let results = standIn.requests.filter { $0.hasSuffix("/result") }.count
        let audits = try aegisd.admin.call("audit.list", ["action": "template.update", "limit": 1000])["items"]?
            .arrayValue?.count

        _ = try aegisd.admin.call("plugin.restart", ["name": "caldera"])
        #expect(try eventually { try aegisd.events("plugin.started").count == 2 })
        // A whole poll of the new run: its abilities import, then its look at the links.
        #expect(try eventually { try aegisd.pluginLines().filter { $0.contains("templates: added 0") }.count == 1 })
        let operationsRead = standIn.count("GET", "/api/v2/operations?exclude=chain")
        #expect(try eventually { standIn.count("GET", "/api/v2/operations?exclude=chain") >= operationsRead + 2 })

        #expect(try aegisd.tests().map { $0["id"]?.stringValue ?? "" }.sorted() == before.sorted())
        #expect(try aegisd.logged("updated 0, unchanged \(try Self.importableAbilities(standIn.recordings))"))
        // Links whose tests exist cost no second fetch of their output, and templates no new version.
        #expect(standIn.requests.filter { $0.hasSuffix("/result") }.count == results)
        #expect(
            try aegisd.admin.call("audit.list", ["action": "template.update", "limit": 1000])["items"]?.arrayValue?
                .count == audits)
        for test in try aegisd.tests() { #expect(try aegisd.evidence(test["id"]?.stringValue ?? "").count <= 1) }
    }
}
