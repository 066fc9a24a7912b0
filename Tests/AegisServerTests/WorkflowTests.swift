import AegisClient
import AegisWire
import Foundation
import Testing

/// The purple-team workflow over the wire, with real users and roles.
@Suite struct WorkflowTests {
    @Test func aTestGoesFromDraftToValidatedAndTheTechniqueFollows() throws {
        let team = try Team()
        let subscriberStart = try team.admin.call("events.status")["last_seq"]?.intValue ?? 0
        var t = try team.readyTest()
        #expect(t["state"] == "ready")
        #expect(t["version"] == 2)
        #expect(try team.admin.call("technique.get", ["id": "T0803"])["status"] == "in_progress")
        t = try team.move("redop", "test.start", t)
        t = try team.move("redop", "test.pause", t)
        #expect(t["state"] == "red_paused")
        t = try team.move("redop", "test.resume", t)
        t = try team.throughBlue(t)
        #expect(t["state"] == "awaiting_validation")
        #expect(t["outcome"] == "detected")
        t = try team.move("redlead", "test.approve", t, ["side": "red"])
        #expect(t["state"] == "awaiting_validation")
        t = try team.move("bluelead", "test.approve", t, ["side": "blue"])
        #expect(t["state"] == "validated")
        #expect(t["validated_at"]?.dateValue != nil)
        #expect((t["active_seconds"]?.doubleValue ?? -1) >= 0)
        #expect(try team.admin.call("technique.get", ["id": "T0803"])["status"] == "detected")

        // Every mutation is audited, with the request id and the peer.
        let audit = try team.admin.call("audit.list", ["entity_kind": "test", "entity_id": t["id"] ?? .nil])
        let actions = audit["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? []
        #expect(
            actions == [
                "test.create", "test.mark_ready", "test.start", "test.pause", "test.resume", "test.submit_red",
                "test.start_review", "test.submit_blue", "test.approve", "test.approve",
            ])
        let first = audit["items"]?.arrayValue?.first
        #expect(first?["version"] == 1)
        #expect(first?["request_id"]?.stringValue?.isEmpty == false)
        #expect(first?["peer"] == "127.0.0.1")
        #expect(first?["actor"]?.stringValue == "user:\(team.ids["redop"] ?? "")")

        // And announced, in order.
        let replay = try team.admin.call("events.replay", ["after_seq": .int(subscriberStart), "limit": 1000])
        let types = replay["items"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
        #expect(types.first == "test.created")
        #expect(types.contains("technique.status_changed"))
        #expect(types.filter { $0 == "test.state_changed" }.count == 9)
        #expect(types.contains("test.validated"))

        // The timeline tells the same story.
        let timeline = try team["viewer1"].call("test.timeline", ["id": t["id"] ?? .nil])
        #expect(timeline["items"]?.arrayValue?.count == 10)
    }

    @Test func staleVersionsConflict() throws {
        let team = try Team()
        let t = try team.readyTest()
        _ = try team.move("redop", "test.start", t)
        let error = #expect(throws: AegisClientError.self) { try team.move("redop", "test.start", t) }
        #expect(error?.code == "CONFLICT")
        if case .remote(_, _, let details) = error { #expect(details?["expected"] == 3) }
    }

    @Test func illegalMovesNameBothStates() throws {
        let team = try Team()
        let t = try team.readyTest()
        let error = #expect(throws: AegisClientError.self) {
            try team.move("redop", "test.submit_red", t, ["outcome": "executed"])
        }
        #expect(error?.code == "INVALID_TRANSITION")
        if case .remote(_, _, let details) = error {
            #expect(details?["from"] == "ready")
            #expect(details?["to"] == "blue_pending")
        }
    }

    @Test func rolesDecideWhoMoves() throws {
        let team = try Team()
        let t = try team.readyTest()
        let blue = #expect(throws: AegisClientError.self) { try team.move("blueanalyst", "test.start", t) }
        #expect(blue?.code == "PERMISSION_DENIED")
        let viewer = #expect(throws: AegisClientError.self) {
            try team["viewer1"].call("test.create", ["technique_id": "T0803", "name": "x"])
        }
        #expect(viewer?.code == "PERMISSION_DENIED")
        let done = try team.throughBlue(t)
        let wrongLead = #expect(throws: AegisClientError.self) {
            try team.move("redlead", "test.approve", done, ["side": "blue"])
        }
        #expect(wrongLead?.code == "PERMISSION_DENIED")
    }

    @Test func blindTestsHideTheProcedureFromBlueUntilRedSubmits() throws {
        let team = try Team()
        var t = try team.readyTest(name: "Mimikatz via PowerShell")
        let hidden = try team["blueanalyst"].call("test.get", ["id": t["id"] ?? .nil])
        #expect(hidden["redacted"] == true)
        #expect(hidden["name"] == .nil)
        #expect(hidden["command"] == .nil)
        #expect(hidden["procedure"] == .nil)
        #expect(hidden["technique_id"] == "T0803")
        let listed = try team["blueanalyst"].call("test.list", ["technique_id": "T0803"])
        #expect(listed["items"]?.arrayValue?.first?["name"] == .nil)
        // Red sees it all; so does everyone once red has submitted.
        #expect(try team["redlead"].call("test.get", ["id": t["id"] ?? .nil])["name"] == "Mimikatz via PowerShell")
        t = try team.move("redop", "test.start", t)
        t = try team.move("redop", "test.submit_red", t, ["outcome": "executed"])
        let shown = try team["blueanalyst"].call("test.get", ["id": t["id"] ?? .nil])
        #expect(shown["redacted"] == false)
        #expect(shown["name"] == "Mimikatz via PowerShell")
        // An open test shows everything from the start.
        let open = try team.readyTest(name: "Open", blind: false)
        #expect(try team["blueanalyst"].call("test.get", ["id": open["id"] ?? .nil])["name"] == "Open")
        // Cancelling before red submits does not reveal it.
        let dropped = try team.move("redlead", "test.cancel", try team.readyTest(name: "Dropped op"), ["reason": "  "])
        #expect(try team["blueanalyst"].call("test.get", ["id": dropped["id"] ?? .nil])["name"] == .nil)
        let audit = try team.admin.call("audit.list", ["entity_kind": "test", "entity_id": dropped["id"] ?? .nil])
        let cancel = audit["items"]?.arrayValue?.first { $0["action"] == "test.cancel" }
        #expect(cancel?["changes"]?["reason"] == nil)
    }

    @Test func theAuditTrailDoesNotTellWhatBlindModeHides() throws {
        let team = try Team()
        var t = try team.readyTest(name: "Mimikatz via PowerShell")
        func created(_ who: String) throws -> MessagePackValue? {
            let audit = try team[who].call("audit.list", ["entity_kind": "test", "entity_id": t["id"] ?? .nil])
            return audit["items"]?.arrayValue?.first { $0["action"] == "test.create" }?["changes"]
        }
        #expect(try created("redlead")?["name"] == "Mimikatz via PowerShell")
        let blind = try #require(try created("bluelead"))
        #expect(blind["name"] == nil)
        #expect(blind["procedure"] == nil)
        // Red evidence is hidden the same way; blue's own is not.
        for (who, side, name) in [("redop", "red", "plan.txt"), ("blueanalyst", "blue", "alerts.json")] {
            _ = try team[who].call(
                "evidence.upload",
                ["test_id": t["id"] ?? .nil, "side": .string(side), "filename": .string(name), "content": .binary(Data([1]))])
        }
        let evidence = try team["bluelead"].call("audit.list", ["entity_kind": "evidence"])["items"]?.arrayValue ?? []
        let filenames = evidence.compactMap { $0["changes"]?["filename"]?.stringValue }
        #expect(filenames == ["alerts.json"])
        #expect(evidence.count == 2)
        // Nor do the events, which every subscriber gets.
        let replay = try team["bluelead"].call("events.replay", ["after_seq": 0, "limit": 1000])["items"]?.arrayValue ?? []
        let uploaded = replay.filter { $0["type"] == "evidence.uploaded" }
        #expect(uploaded.count == 2)
        #expect(uploaded.allSatisfy { $0["payload"]?["sha256"] == nil && $0["payload"]?["size"] == nil })
        t = try team.move("redop", "test.start", t)
        t = try team.move("redop", "test.submit_red", t, ["outcome": "executed"])
        #expect(try created("bluelead")?["name"] == "Mimikatz via PowerShell")
    }

    @Test func rejectReopenCancelAndRetest() throws {
        let team = try Team()
        var t = try team.throughBlue(try team.readyTest())
        t = try team.move("redlead", "test.reject", t, ["side": "red", "reason": "run it on the right PLC"])
        #expect(t["state"] == "red_running")
        #expect(t["last_rejection"]?["side"] == "red")
        t = try team.move("redop", "test.submit_red", t, ["outcome": "executed"])
        t = try team.move("blueanalyst", "test.start_review", t)
        t = try team.move("blueanalyst", "test.submit_blue", t, ["prevented": "full", "alerted": false])
        t = try team.move("bluelead", "test.reject", t, ["side": "blue", "reason": "check the firewall logs"])
        #expect(t["state"] == "blue_review")
        t = try team.move("blueanalyst", "test.submit_blue", t, ["prevented": "full", "alerted": true])
        t = try team.move("redlead", "test.approve", t, ["side": "red"])
        t = try team.move("bluelead", "test.approve", t, ["side": "blue"])
        #expect(try team.admin.call("technique.get", ["id": "T0803"])["status"] == "prevented")
        let noReason = #expect(throws: AegisClientError.self) { try team.move("bluelead", "test.reopen", t, ["reason": " "]) }
        #expect(noReason?.code == "INVALID_ARGUMENT")
        t = try team.move("bluelead", "test.reopen", t, ["reason": "the alert was a false positive"])
        #expect(t["state"] == "awaiting_validation")
        #expect(try team.admin.call("technique.get", ["id": "T0803"])["status"] == "in_progress")
        t = try team.move("redlead", "test.cancel", t, ["reason": "superseded"])
        #expect(t["state"] == "cancelled")
        let again = try team.move("redop", "test.retest", t)
        #expect(again["state"] == "ready")
        #expect(again["retest_of"] == t["id"])
        let chain = try team.admin.call("test.get", ["id": t["id"] ?? .nil])
        #expect(chain["retests"] == .array([again["id"] ?? .nil]))
        #expect(chain["chain"] == .array([t["id"] ?? .nil, again["id"] ?? .nil]))
    }

    @Test func oneLeadCannotValidateBothSides() throws {
        let team = try Team()
        var t = try team.throughBlue(try team.readyTest())
        t = try team.move("redlead", "test.approve", t, ["side": "red"])
        _ = try team.admin.call("user.update", ["id": .string(team.ids["redlead"] ?? ""), "version": 1, "roles": ["red_lead", "blue_lead"]])
        let lead = try team.signIn("redlead")
        let error = #expect(throws: AegisClientError.self) {
            try lead.call("test.approve", ["id": t["id"] ?? .nil, "version": t["version"] ?? .nil, "side": "blue"])
        }
        #expect(error?.code == "FAILED_PRECONDITION")
    }

    @Test func notificationsReachWhoMustActNext() throws {
        let team = try Team()
        _ = try team.throughBlue(try team.readyTest())
        let lead = try team["bluelead"].call("notification.list", ["unread_only": true])
        let kinds = lead["items"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
        #expect(kinds.contains("test.needs_blue"))
        #expect(kinds.contains("test.needs_validation"))
        #expect(lead["items"]?.arrayValue?.allSatisfy { $0["version"] == 1 } == true)
        let marked = try team["bluelead"].call("notification.mark_read", ["all": true])
        #expect(marked["marked"]?.intValue == Int64(kinds.count))
        #expect(try team["bluelead"].call("notification.list", ["unread_only": true])["items"]?.arrayValue?.isEmpty == true)
        let read = try team["bluelead"].call("notification.list")["items"]?.arrayValue ?? []
        #expect(!read.isEmpty && read.allSatisfy { $0["version"] == 2 })
        let analyst = try team["blueanalyst"].call("notification.list")
        #expect(analyst["items"]?.arrayValue?.contains { $0["kind"] == "test.needs_blue" } == true)
    }

    @Test func replayRefusesASeqFromTheFuture() throws {
        let daemon = try TestDaemon()
        let last = try daemon.client().call("events.status")["last_seq"]?.intValue ?? 0
        let error = #expect(throws: AegisClientError.self) {
            try daemon.client().call("events.replay", ["after_seq": .int(last + 10)])
        }
        #expect(error?.code == "INVALID_ARGUMENT")
        if case .remote(_, _, let details) = error { #expect(details?["last_seq"] == .int(last)) }
    }
}
