import AegisClient
import AegisWire
import Foundation
import Testing

/// The events socket is not authenticated, so no event may tell more than a
/// viewer can read through the RPC methods (issue 10, defect 7). A blind
/// test goes through its whole life; after every step, each new event is
/// checked against what the viewer reads at that moment.
@Suite struct BlindEventTests {
    @Test func noEventOfABlindTestTellsAViewerMoreThanTheMethods() throws {
        let team = try Team()
        let sweep = try EventSweep(team: team)
        func upload(_ who: String, _ side: String, _ test: MessagePackValue, _ name: String) throws -> MessagePackValue {
            try team[who].call(
                "evidence.upload",
                ["test_id": test["id"] ?? .nil, "side": .string(side), "filename": .string(name), "content": .binary(Data(name.utf8))])
        }

        var t = try team["redop"].call(
            "test.create",
            [
                "technique_id": "T0803", "name": "Quiet one", "procedure": "Block a command", "command": "modbus-cli write 1 0",
                "platform": "Siemens S7", "assignees": .array([.string(team.ids["redop"] ?? ""), .string(team.ids["blueanalyst"] ?? "")]),
            ])
        try sweep.check("create")
        t = try team.move("redop", "test.update", t, ["command": "modbus-cli write 1 1", "name": "Quieter one"])
        try sweep.check("update")
        t = try team.move("redop", "test.mark_ready", t)
        t = try team.move("redop", "test.start", t)
        try sweep.check("start")
        _ = try upload("redop", "red", t, "plan.txt")
        try sweep.check("red evidence while hidden")
        _ = try upload("blueanalyst", "blue", t, "alerts.json")
        try sweep.check("blue evidence while hidden")
        let doomed = try upload("redop", "red", t, "typo.txt")
        _ = try team["redlead"].call("evidence.delete", ["id": doomed["id"] ?? .nil])
        try sweep.check("red evidence deleted while hidden")
        t = try team.move("redop", "test.pause", t)
        t = try team.move("redop", "test.resume", t)
        t = try team.move("redop", "test.submit_red", t, ["outcome": "executed", "commands": ["modbus-cli write 1 1"]])
        try sweep.check("submit red")
        _ = try upload("redop", "red", t, "after.txt")
        try sweep.check("red evidence once visible")
        t = try team.move("blueanalyst", "test.start_review", t)
        t = try team.move("blueanalyst", "test.submit_blue", t, ["prevented": "none", "alerted": true, "alert_severity": "high"])
        t = try team.move("redlead", "test.approve", t, ["side": "red"])
        t = try team.move("bluelead", "test.approve", t, ["side": "blue"])
        try sweep.check("validate")
        t = try team.move("bluelead", "test.update_remediation", t, ["owner": "soc", "due_at": .timestamp(Date(timeIntervalSince1970: 2_000_000_000))])
        t = try team.move("redlead", "test.reopen", t, ["reason": "wrong PLC"])
        t = try team.move("redlead", "test.reject", t, ["side": "red", "reason": "run it again"])
        t = try team.move("redop", "test.submit_red", t, ["outcome": "executed"])
        t = try team.move("blueanalyst", "test.start_review", t)
        t = try team.move("blueanalyst", "test.submit_blue", t, ["prevented": "full", "alerted": false])
        t = try team.move("bluelead", "test.reject", t, ["side": "blue", "reason": "look again"])
        t = try team.move("blueanalyst", "test.submit_blue", t, ["prevented": "full", "alerted": false])
        t = try team.move("redlead", "test.approve", t, ["side": "red"])
        t = try team.move("bluelead", "test.approve", t, ["side": "blue"])
        try sweep.check("remediation, reopen, rejects")

        // A retest is hidden again until its own red submission.
        var again = try team.move("redop", "test.retest", t)
        try sweep.check("retest")
        again = try team.move("redop", "test.update", again, ["command": "modbus-cli write 2 0"])
        _ = try upload("redop", "red", again, "retest.txt")
        _ = try upload("blueanalyst", "blue", again, "quiet.json")
        again = try team.move("redlead", "test.cancel", again, ["reason": "no lab time"])
        try sweep.check("retest cancelled while hidden")

        #expect(
            sweep.types.isSuperset(of: [
                "test.created", "test.updated", "test.state_changed", "test.validated", "test.reopened",
                "technique.status_changed", "evidence.uploaded", "evidence.deleted",
            ]), "\(sweep.types.sorted())")
        #expect(sweep.checked >= 30)
    }
}

/// Reads the events committed since the last check (as the viewer, through
/// `events.replay`) and holds each one against what the viewer may read.
final class EventSweep {
    let viewer: AegisClient
    private var lastSeq: MessagePackValue
    private(set) var types: Set<String> = []
    private(set) var checked = 0

    init(team: Team) throws {
        viewer = team["viewer1"]
        lastSeq = try viewer.call("events.status")["last_seq"] ?? 0
    }

    func check(_ step: String) throws {
        let events = try viewer.call("events.replay", ["after_seq": lastSeq, "limit": 1000])["items"]?.arrayValue ?? []
        for event in events {
            let type = event["type"]?.stringValue ?? ""
            types.insert(type)
            checked += 1
            let payload = event["payload"]?.mapValue ?? [:]
            let id = event["subject"]?["id"] ?? .nil
            switch event["subject"]?["kind"]?.stringValue {
            case "test": try checkTest(id, type, event, payload, step)
            case "evidence": try checkEvidence(id, type, event, payload, step)
            case "technique":
                // Technique status is everyone's to read.
                #expect(try viewer.call("technique.get", ["id": id])["status"]?.stringValue != nil)
                #expect(Set(payload.keys.compactMap(\.stringValue)).isSubset(of: ["from", "to"]), "\(step): \(type)")
            default: Issue.record("\(step): \(type) is about something this sweep does not know")
            }
            lastSeq = event["seq"] ?? lastSeq
        }
    }

    /// A test event: every field the viewer's redacted `test.get` or
    /// `test.timeline` would hide is nil.
    private func checkTest(_ id: MessagePackValue, _ type: String, _ event: MessagePackValue, _ payload: MessagePackMap, _ step: String) throws {
        let view = try viewer.call("test.get", ["id": id])
        let timeline = try viewer.call("test.timeline", ["id": id, "limit": 1000])["items"]?.arrayValue ?? []
        let open = view["redacted"] == false
        if let actor = event["actor"], actor != .nil {
            #expect(timeline.contains { $0["actor"] == actor }, "\(step): \(type) names an actor the timeline does not")
        }
        for (key, value) in payload.entries where value != .nil {
            let field = key.stringValue ?? ""
            switch field {
            case "technique_id": #expect(view["technique_id"] == value, "\(step): \(type)")
            case "version", "state", "from", "to": #expect(view["state"] != .nil, "\(step): \(type)")
            case "action":
                let action = "test.\(value.stringValue ?? "")"
                #expect(timeline.contains { $0["action"]?.stringValue == action }, "\(step): \(type) \(action)")
            case "fields", "outcome", "reason", "retest_of":
                // The timeline's `changes` and these test fields are what blind mode hides.
                #expect(open, "\(step): \(type) tells \(field) of a test the viewer sees redacted")
            default: Issue.record("\(step): \(type) carries \(field): decide what a viewer may read of it")
            }
        }
    }

    /// An evidence event: the test, side and actor only when the viewer
    /// could list that evidence on that test.
    private func checkEvidence(_ id: MessagePackValue, _ type: String, _ event: MessagePackValue, _ payload: MessagePackMap, _ step: String) throws {
        let testID = payload["test_id"] ?? .nil
        guard testID != .nil else {
            #expect(payload["side"] == .nil && event["actor"] == .nil, "\(step): \(type) tells the side or actor of unlisted evidence")
            return
        }
        let view = try viewer.call("test.get", ["id": testID])
        #expect(view["redacted"] == false, "\(step): \(type) ties evidence to a test the viewer sees redacted")
        if type == "evidence.uploaded" {
            let listed = try viewer.call("evidence.list", ["test_id": testID, "limit": 1000])["items"]?.arrayValue ?? []
            let item = listed.first { $0["id"] == id }
            #expect(item?["side"] == payload["side"], "\(step): \(type) tells the side of evidence the viewer cannot list")
            #expect(item?["uploaded_by"] == event["actor"], "\(step): \(type)")
        }
        for key in payload.keys where !["test_id", "side"].contains(key.stringValue ?? "") {
            Issue.record("\(step): \(type) carries \(key): decide what a viewer may read of it")
        }
    }
}
