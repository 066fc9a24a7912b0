import AegisClient
import AegisWire
import Foundation
import Testing

/// A test's `source_ref` over the wire: what an importer made it from, set
/// once, unique, shown, filtered, hidden while blind, and refused when
/// malformed.
@Suite struct TestSourceRefTests {
    static func ids(_ page: MessagePackValue) -> [String] {
        page["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    static func create(_ team: Team, _ ref: String, blind: Bool = false) throws -> MessagePackValue {
        try team["redop"].call(
            "test.create",
            ["technique_id": "T0803", "name": "Imported", "blind": .bool(blind), "source_ref": .string(ref)])
    }

    @Test func aSecondCreateWithTheSameSourceRefNamesTheFirstTestAndWritesNothing() throws {
        let team = try Team()
        let first = try Self.create(team, "caldera:link:9f1c")
        #expect(first["source_ref"] == "caldera:link:9f1c")
        let before = try team.admin.call("events.status")["last_seq"]

        let refused = details { try Self.create(team, "caldera:link:9f1c") }
        #expect(code { try Self.create(team, "caldera:link:9f1c") } == "ALREADY_EXISTS")
        #expect(refused?["id"] == first["id"])
        #expect(refused?["field"] == "source_ref")
        #expect(try team.admin.call("events.status")["last_seq"] == before, "no test.created, nothing written")
        #expect(Self.ids(try team.admin.call("test.list", ["limit": 1000])) == [first["id"]?.stringValue ?? ""])

        // Another reference, or none, is another test; case matters.
        _ = try Self.create(team, "caldera:link:9F1C")
        _ = try team["redop"].call("test.create", ["technique_id": "T0803", "name": "By hand"])
        _ = try team["redop"].call("test.create", ["technique_id": "T0803", "name": "By hand too"])
        #expect(Self.ids(try team.admin.call("test.list", ["limit": 1000])).count == 4)
    }

    @Test func getAndListShowItAndListFiltersByIt() throws {
        let team = try Team()
        let t = try Self.create(team, " caldera:link:a1 ")
        _ = try Self.create(team, "caldera:link:a2")
        #expect(t["source_ref"] == "caldera:link:a1", "trimmed")
        #expect(try team["viewer1"].call("test.get", ["id": t["id"] ?? .nil])["source_ref"] == "caldera:link:a1")
        let page = try team["viewer1"].call("test.list", ["source_ref": "caldera:link:a1"])
        #expect(Self.ids(page) == [t["id"]?.stringValue ?? ""])
        #expect(page["items"]?.arrayValue?.first?["source_ref"] == "caldera:link:a1")
        #expect(Self.ids(try team["viewer1"].call("test.list", ["source_ref": "caldera:link:zz"])) == [])
        // A test made by hand has none.
        let manual = try team["redop"].call("test.create", ["technique_id": "T0803", "name": "By hand"])
        #expect(manual["source_ref"] == .nil)
    }

    @Test func aRetestDoesNotInheritIt() throws {
        let team = try Team()
        var t = try Self.create(team, "caldera:link:r1")
        t = try team.move("redop", "test.mark_ready", t)
        t = try team.move("redlead", "test.cancel", t, ["reason": "again"])
        let again = try team.move("redop", "test.retest", t)
        #expect(again["source_ref"] == .nil)
        #expect(
            Self.ids(try team.admin.call("test.list", ["source_ref": "caldera:link:r1"])) == [
                t["id"]?.stringValue ?? ""
            ])
    }

    @Test func blindModeHidesItAndTheFilterTellsNothing() throws {
        let team = try Team()
        var t = try Self.create(team, "caldera:link:b1", blind: true)
        #expect(try team["blueanalyst"].call("test.get", ["id": t["id"] ?? .nil])["source_ref"] == .nil)
        #expect(Self.ids(try team["blueanalyst"].call("test.list", ["source_ref": "caldera:link:b1"])) == [])
        #expect(Self.ids(try team["redop"].call("test.list", ["source_ref": "caldera:link:b1"])).count == 1)
        t = try team.move("redop", "test.mark_ready", t)
        t = try team.move("redop", "test.start", t)
        t = try team.move("redop", "test.submit_red", t, ["outcome": "executed"])
        #expect(try team["blueanalyst"].call("test.get", ["id": t["id"] ?? .nil])["source_ref"] == "caldera:link:b1")
        #expect(Self.ids(try team["blueanalyst"].call("test.list", ["source_ref": "caldera:link:b1"])).count == 1)
    }

    @Test func malformedReferencesAreRefused() throws {
        let team = try Team()
        for bad in ["", "   ", "caldera link", "caldera:link:é", "tab\there", String(repeating: "x", count: 256)] {
            let failure = details {
                try team["redop"].call(
                    "test.create", ["technique_id": "T0803", "name": "x", "source_ref": .string(bad)])
            }
            #expect(failure?["field"] == "source_ref", "\(bad.prefix(20))")
            #expect(
                details { try team["redop"].call("test.list", ["source_ref": .string(bad)]) }?["field"] == "source_ref")
        }
        #expect(
            code { try team["redop"].call("test.create", ["technique_id": "T0803", "name": "x", "source_ref": 7]) }
                == "INVALID_ARGUMENT")
        _ = try Self.create(team, String(repeating: "x", count: 255))
        #expect(Self.ids(try team.admin.call("test.list", ["limit": 1000])).count == 1)
    }

    @Test func theAuditTrailRecordsIt() throws {
        let team = try Team()
        let t = try Self.create(team, "caldera:link:audit")
        let audit = try team.admin.call("audit.list", ["entity_kind": "test", "entity_id": t["id"] ?? .nil])
        let created = audit["items"]?.arrayValue?.first { $0["action"] == "test.create" }
        #expect(created?["changes"]?["source_ref"] == "caldera:link:audit")
    }
}
