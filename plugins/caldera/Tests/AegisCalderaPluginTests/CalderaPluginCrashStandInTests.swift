import AegisClient
import AegisWire
import CalderaTestSupport
import Foundation
import Testing

/// Crashes against the Caldera stand-in: the plugin killed in the middle of
/// an intake, tests left half-way by an earlier run, aegisd killed. Each
/// link still becomes exactly one test, with its evidence once.
@Suite(.serialized) struct CalderaPluginCrashStandInTests {
    static func alive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno != ESRCH }

    /// Every link has one test, in `blue_pending`, with at most one evidence file.
    static func checkExactlyOnce(_ aegisd: CalderaAegisd, _ links: [RecordedLink]) throws {
        let tests = try aegisd.tests()
        #expect(tests.count == links.count)
        #expect(Set(tests.compactMap { $0["source_ref"]?.stringValue }) == Set(links.map(\.sourceRef)))
        for test in tests {
            #expect(test["state"] == "blue_pending")
            #expect(try aegisd.evidence(test["id"]?.stringValue ?? "").count <= 1)
        }
        // Five of the links printed something: five evidence files in all.
        let files = try tests.reduce(0) { $0 + (try aegisd.evidence($1["id"]?.stringValue ?? "").count) }
        #expect(files == 5)
    }

    @Test func standInPluginKilledMidIntakeImportsNothingTwice() throws {
        let standIn = try CalderaStandIn()
        let links = try RecordedLink.all(standIn.recordings)
        let operation = standIn.recordings.operationID
        // The output of the fifth link takes long: the intake stops there.
        let slow = try #require(links.firstIndex { $0.abilityID == "aegis-rec-timeout" })
        standIn.inject(.delay(60), on: "/api/v2/operations/\(operation)/links/\(links[slow].id)/result")
        let aegisd = try CalderaAegisd(settings: CalderaAegisd.settings(url: standIn.url))
        #expect(try eventually { try aegisd.tests().count == slow })
        #expect(try eventually { standIn.requests.contains { $0.contains(links[slow].id) } })
        let pid = Int32(try #require(try aegisd.plugin()?["pid"]?.intValue))

        kill(pid, SIGKILL)
        standIn.clearFaults()
        #expect(try eventually { try aegisd.events("plugin.crashed").count == 1 })
        #expect(!Self.alive(pid))
        // aegisd starts it again; the new run carries on where the old one stopped.
        #expect(try eventually { try aegisd.tests().filter { $0["state"] == "blue_pending" }.count == links.count })
        try Self.checkExactlyOnce(aegisd, links)
        #expect(try aegisd.events("test.created").count == links.count)
    }

    @Test func standInTestsLeftHalfWayAreCarriedOnNotMadeAgain() throws {
        let standIn = try CalderaStandIn()
        let links = try RecordedLink.all(standIn.recordings)
        // A run that stopped at every step of the way, left these behind
        // (the plugin first stopped, so that it cannot race the set-up).
        let aegisd = try CalderaAegisd(settings: CalderaAegisd.settings(url: standIn.url, importing: "prefix:nothing"))
        let admin = aegisd.admin
        func create(_ link: RecordedLink) throws -> MessagePackValue {
            try admin.call(
                "test.create",
                [
                    "technique_id": "T1082", "name": "Left half-way", "blind": false,
                    "source_ref": .string(link.sourceRef),
                ])
        }
        func move(_ method: String, _ test: MessagePackValue) throws -> MessagePackValue {
            try admin.call(method, ["id": test["id"] ?? .nil, "version": test["version"] ?? .nil])
        }
        let echo = try #require(links.first { $0.abilityID == "aegis-rec-echo" })
        let error = try #require(links.first { $0.abilityID == "aegis-rec-error" })
        let quiet = try #require(links.first { $0.abilityID == "aegis-rec-true" })
        _ = try create(echo)  // created, then nothing
        var withEvidence = try move("test.start", try move("test.mark_ready", try create(error)))
        _ = try admin.call(
            "evidence.upload",
            [
                "test_id": withEvidence["id"] ?? .nil, "side": "red",
                "filename": .string("caldera-link-\(error.id).txt"),
                "content": .binary(Data("uploaded before the crash".utf8)),
            ])
        withEvidence = try admin.call("test.get", ["id": withEvidence["id"] ?? .nil])
        _ = try move("test.mark_ready", try create(quiet))  // ready

        // The plugin as declared, with the links to import.
        aegisd.terminate()
        let again = try CalderaAegisd(settings: CalderaAegisd.settings(url: standIn.url), reusing: aegisd.directory)
        #expect(try eventually { try again.tests().filter { $0["state"] == "blue_pending" }.count == links.count })
        try Self.checkExactlyOnce(again, links)
        let carried = try #require(try again.tests().first { $0["source_ref"] == .string(error.sourceRef) })
        let files = try again.evidence(carried["id"]?.stringValue ?? "")
        #expect(files.count == 1, "its red evidence is not uploaded twice")
        #expect(files.first?["filename"] == .string("caldera-link-\(error.id).txt"))
        #expect(
            try eventually { try again.counter("resumed") == 3 && again.counter("imported") == Int64(links.count - 3) })
    }

    @Test func standInAegisdKilledMidIntakeImportsNothingTwice() throws {
        let standIn = try CalderaStandIn()
        let links = try RecordedLink.all(standIn.recordings)
        let operation = standIn.recordings.operationID
        let slow = try #require(links.firstIndex { $0.abilityID == "aegis-rec-timeout" })
        standIn.inject(.delay(60), on: "/api/v2/operations/\(operation)/links/\(links[slow].id)/result")
        let aegisd = try CalderaAegisd(settings: CalderaAegisd.settings(url: standIn.url))
        #expect(try eventually { try aegisd.tests().count == slow })
        let pid = Int32(try #require(try aegisd.plugin()?["pid"]?.intValue))

        aegisd.crash()
        // Its stdin reached end-of-file: the plugin exits too.
        #expect(eventually { !Self.alive(pid) })
        standIn.clearFaults()
        try aegisd.restart()
        #expect(try eventually { try aegisd.tests().filter { $0["state"] == "blue_pending" }.count == links.count })
        try Self.checkExactlyOnce(aegisd, links)
    }
}
