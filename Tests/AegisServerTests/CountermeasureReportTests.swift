import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// `report.countermeasures`, the countermeasures `report.remediation`
/// recommends, and both as CSV, over the wire on the ICS team.
@Suite struct CountermeasureReportTests {
    /// A test of T0803 that blue missed, validated.
    func missedTest(_ team: Team) throws -> MessagePackValue {
        var t = try team.move("redop", "test.start", try team.readyTest())
        t = try team.move("redop", "test.submit_red", t, ["outcome": "executed"])
        t = try team.move("blueanalyst", "test.start_review", t)
        t = try team.move(
            "blueanalyst", "test.submit_blue", t, ["prevented": "none", "alerted": false, "logged": false])
        t = try team.move("redlead", "test.approve", t, ["side": "red"])
        return try team.move("bluelead", "test.approve", t, ["side": "blue"])
    }

    @Test func theGapsPointToTheCountermeasuresThatCloseThem() throws {
        let team = try Team()
        let viewer = team["viewer1"]
        _ = try team.admin.call("countermeasure.sync", CountermeasureTests.set)
        let empty = try viewer.call("report.countermeasures", ["domain": "ics-attack"])
        #expect(empty["gap_techniques"] == 0 && empty["items"] == .array([]))

        let test = try missedTest(team)
        #expect(test["outcome"] == "missed")
        let ranked = try viewer.call("report.countermeasures", ["domain": "ics-attack"])
        #expect(
            ranked["gap_techniques"] == 1 && ranked["addressed"] == 1 && ranked["actor_id"] == .nil
                && ranked["tactic"] == .nil)
        let items = ranked["items"]?.arrayValue ?? []
        #expect(items.map { $0["countermeasure"]?["id"] } == ["D3-NTA", "D3-NTF", "D3-PH"])
        #expect(
            items.first
                == .map([
                    "countermeasure": .map(["id": "D3-NTA", "name": "Network Traffic Analysis", "tactic": "Detect"]),
                    "gaps": 1, "techniques": .array(["T0803"]),
                ]))
        let harden = try viewer.call(
            "report.countermeasures", ["domain": "ics-attack", "tactic": "HARDEN", "limit": 5])
        #expect(
            harden["tactic"] == "Harden"
                && harden["items"]?.arrayValue?.map { $0["countermeasure"]?["id"] } == ["D3-PH"])

        // G0034 (Sandworm) uses T0807, T0819 and T0884 in ICS: untested, none addressed.
        let actor = try viewer.call("report.countermeasures", ["actor_id": "g0034", "domain": "ics-attack"])
        #expect(actor["actor_id"] == "G0034" && actor["gap_techniques"] == 3 && actor["addressed"] == 0)

        let remediation = try viewer.call("report.remediation")
        #expect(remediation["items"]?.arrayValue?.first?["countermeasures"] == .array(["D3-NTA", "D3-NTF", "D3-PH"]))

        let csv = try viewer.call("report.export", ["report": "countermeasures", "domain": "ics-attack"])
        #expect(csv["rows"] == 3 && csv["next_cursor"] == .nil)
        #expect(
            csv["data"]
                == .string(
                    "rank,countermeasure_id,countermeasure,tactic,gaps,technique_ids\r\n1,D3-NTA,Network Traffic Analysis,Detect,1,T0803\r\n"
                        + "2,D3-NTF,Network Traffic Filtering,Isolate,1,T0803\r\n3,D3-PH,Platform Hardening,Harden,1,T0803\r\n"
                ))
        let isolate = try viewer.call(
            "report.export", ["report": "countermeasures", "domain": "ics-attack", "tactic": "isolate"])
        #expect(isolate["rows"] == 1)
        let fixes = try viewer.call("report.export", ["report": "remediation"])
        let lines = fixes["data"]?.stringValue?.split(separator: "\r\n") ?? []
        #expect(lines.first?.hasSuffix(",overdue,countermeasures") == true)
        #expect(lines.last?.hasSuffix(",D3-NTA;D3-NTF;D3-PH") == true)
    }

    @Test func badParamsAreRefusedWithTheirField() throws {
        let daemon = try SharedDaemon.get()
        let client = try daemon.client()
        for (params, field) in [
            (["limit": 0] as MessagePackMap, "limit"), (["limit": 1001], "limit"), (["tactic": "protect"], "tactic"),
            (["actor_id": "T1059"], "actor_id"), (["domain": "pre-attack"], "domain"), (["cursor": "x"], "cursor"),
        ] {
            #expect(code { try client.call("report.countermeasures", params) } == "INVALID_ARGUMENT")
            #expect(details { try client.call("report.countermeasures", params) }?["field"] == .string(field))
        }
        let missing = details { try client.call("report.countermeasures", ["actor_id": "G9999"]) }
        #expect(missing?["kind"] == "actor" && missing?["id"] == "G9999")
        #expect(
            code { try client.call("report.export", ["report": "countermeasures", "tactic": "x"]) }
                == "INVALID_ARGUMENT")
        #expect(
            code { try client.call("report.export", ["report": "countermeasures", "cursor": "YzE6eA"]) }
                == "INVALID_ARGUMENT")
    }
}
