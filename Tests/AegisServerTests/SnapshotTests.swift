import AegisClient
import AegisWire
import Foundation
import Testing

/// `snapshot.*` over the wire on the ICS catalog.
@Suite struct SnapshotTests {
    static let ics: MessagePackValue = "ics-attack"

    @Test func snapshotsKeepCoverageAndDiffsShowWhatMoved() throws {
        let team = try Team()
        let lead = team["redlead"]
        #expect(code { try team["viewer1"].call("snapshot.create", ["domain": Self.ics]) } == "PERMISSION_DENIED")
        let before = try lead.call("snapshot.create", ["name": "baseline", "domain": Self.ics])
        let beforeID = try #require(before["id"]?.stringValue)
        #expect(before["name"] == "baseline")
        #expect(before["score"]?.doubleValue == 0)
        #expect(before["tactics"]?.arrayValue?.count == 12)
        #expect(before["tactics"]?.arrayValue?.first?["order"] == 1)

        // T0803 validated as detected, and T0803's visibility set.
        var t = try team.throughBlue(try team.readyTest())
        t = try team.move("redlead", "test.approve", t, ["side": "red"])
        _ = try team.move("bluelead", "test.approve", t, ["side": "blue"])

        // Against now, before the second snapshot.
        let live = try team["viewer1"].call("snapshot.diff", ["from": .string(beforeID)])
        #expect(live["to"]?["id"] == .nil)
        #expect(live["improved"]?.arrayValue?.map { $0["technique_id"] } == ["T0803"])

        let after = try lead.call("snapshot.create", ["domain": Self.ics])
        let afterID = try #require(after["id"]?.stringValue)
        #expect(after["name"]?.stringValue?.count == 10)  // the date
        let diff = try team["viewer1"].call("snapshot.diff", ["from": .string(beforeID), "to": .string(afterID)])
        #expect(diff["domain"] == Self.ics)
        let improved = diff["improved"]?.arrayValue ?? []
        #expect(improved.count == 1)
        #expect(improved.first?["technique_id"] == "T0803")
        #expect(improved.first?["from_status"] == "untested")
        #expect(improved.first?["to_status"] == "detected")
        #expect(improved.first?["delta"]?.doubleValue == 45)
        #expect(diff["regressed"]?.arrayValue?.isEmpty == true)
        #expect((diff["unchanged"]?.intValue ?? 0) > 50)
        #expect((diff["score_delta"]?.doubleValue ?? 0) > 0)
        let inhibit = diff["tactics"]?.arrayValue?.first { $0["id"] == "TA0107" }
        #expect((inhibit?["delta"]?.doubleValue ?? 0) > 0)
        #expect(diff["weights_differ"] == false)

        // The other way round it is a regression.
        let back = try team["viewer1"].call("snapshot.diff", ["from": .string(afterID), "to": .string(beforeID)])
        #expect(back["regressed"]?.arrayValue?.first?["technique_id"] == "T0803")
        #expect(back["regressed"]?.arrayValue?.first?["delta"]?.doubleValue == -45)

        let got = try team["viewer1"].call("snapshot.get", ["id": .string(afterID)])
        #expect(got["snapshot"]?["id"]?.stringValue == afterID)
        let techniques = got["techniques"]?.arrayValue ?? []
        #expect(techniques.count == after["techniques"]?.intValue.map { Int($0) })
        #expect(techniques.first { $0["technique_id"] == "T0803" }?["status"] == "detected")

        let list = try team["viewer1"].call("snapshot.list", ["limit": 1])
        #expect(list["items"]?.arrayValue?.first?["id"]?.stringValue == afterID)
        let next = try team["viewer1"].call("snapshot.list", ["limit": 1, "cursor": list["next_cursor"] ?? .nil])
        #expect(next["items"]?.arrayValue?.first?["id"]?.stringValue == beforeID)

        let audit = try team.admin.call("audit.list", ["entity_kind": "snapshot"])
        #expect(audit["items"]?.arrayValue?.count == 2)
    }

    @Test func diffsOfSnapshotsThatDoNotExistAreRefused() throws {
        let team = try Team()
        let viewer = team["viewer1"]
        let snapshot = try team["redlead"].call("snapshot.create", ["domain": Self.ics])
        let id = snapshot["id"] ?? .nil
        #expect(code { try viewer.call("snapshot.diff", ["from": "snp_nothere"]) } == "NOT_FOUND")
        #expect(code { try viewer.call("snapshot.diff", ["from": id, "to": "snp_nothere"]) } == "NOT_FOUND")
        #expect(code { try viewer.call("snapshot.diff", ["from": "../etc/passwd"]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("snapshot.diff", ["to": id]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("snapshot.get", ["id": "snp_nothere"]) } == "NOT_FOUND")
        #expect(code { try team["redlead"].call("snapshot.create", ["domain": "nowhere"]) } == "INVALID_ARGUMENT")
        let enterprise = try team["redlead"].call("snapshot.create", ["domain": "enterprise-attack"])
        #expect(code { try viewer.call("snapshot.diff", ["from": id, "to": enterprise["id"] ?? .nil]) } == "INVALID_ARGUMENT")
    }
}
