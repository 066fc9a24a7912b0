import AegisClient
import AegisWire
import Foundation
import Testing

@testable import AegisServer

/// The probe's sixth defect: one red operator could hold all 16 upload
/// slots, after which everyone's uploads and the admin's catalog imports
/// were refused, and the admin could not abort them. Now each principal
/// has its own share of the slots, and uploads in progress can be listed
/// and aborted (anyone's, by an admin, audited).
@Suite struct UploadSlotsTests {
    func beginEvidence(_ team: Team, _ who: String, _ test: MessagePackValue, side: String = "red") throws
        -> MessagePackValue
    {
        let content = Data("proof".utf8)
        let begun = try team[who].call(
            "evidence.upload_begin",
            [
                "test_id": test["id"] ?? .nil, "side": .string(side), "filename": "proof.bin",
                "size": .int(Int64(content.count)), "sha256": .string(try SodiumCrypto().sha256Hex(content)),
            ])
        return try #require(begun["upload_id"])
    }

    @Test func onePrincipalCannotTakeEverySlotAndAnAdminCanAbortAnyone() throws {
        let team = try Team()
        let test = try team.readyTest()
        let mine = try (0..<4).map { _ in try beginEvidence(team, "redop", test) }
        #expect(code { try beginEvidence(team, "redop", test) } == "RESOURCE_EXHAUSTED")
        #expect(details { try beginEvidence(team, "redop", test) }?["max_uploads"] == 4)
        // Everyone else still can.
        _ = try beginEvidence(team, "blueanalyst", test, side: "blue")
        let catalog = try team.admin.call("catalog.import_begin")["upload_id"]
        #expect(catalog != nil)

        // The owner sees their own; others see none of them; the admin sees all.
        let redopID = "user:" + (try #require(team.ids["redop"]))
        let own = try #require(try team["redop"].call("upload.list")["items"]?.arrayValue)
        #expect(Set(own.compactMap { $0["id"] }) == Set(mine))
        #expect(own.allSatisfy { $0["owner"] == .string(redopID) && $0["kind"] == "evidence" })
        #expect(try team["bluelead"].call("upload.list", ["owner": .string(redopID)])["items"]?.arrayValue?.isEmpty == true)
        let all = try #require(try team.admin.call("upload.list")["items"]?.arrayValue)
        #expect(all.count == 6)
        let theirs = try team.admin.call("upload.list", ["owner": .string(redopID), "kind": "evidence"])
        #expect(theirs["items"]?.arrayValue?.count == 4)

        // Not the blue lead's to abort; the admin's, with a reason.
        #expect(code { try team["bluelead"].call("upload.abort", ["upload_id": mine[0]]) } == "NOT_FOUND")
        let aborted = try team.admin.call("upload.abort", ["upload_id": mine[0], "reason": "holding slots"])
        #expect(aborted["id"] == mine[0])
        #expect(aborted["owner"] == .string(redopID))
        let append: MessagePackMap = ["upload_id": mine[0], "offset": 0, "data": .binary(Data("p".utf8))]
        #expect(code { try team["redop"].call("evidence.upload_append", append) } == "NOT_FOUND")
        // The slot is free again.
        _ = try beginEvidence(team, "redop", test)

        let audit = try team.admin.call("audit.list", ["entity_kind": "upload", "entity_id": mine[0]])
        let entry = try #require(audit["items"]?.arrayValue?.first)
        #expect(entry["action"] == "upload.abort")
        #expect(entry["changes"]?["reason"] == "holding slots")
        let events = try #require(try team.admin.call("events.replay", ["after_seq": 0, "limit": 1000])["items"]?.arrayValue)
        let event = try #require(events.last { $0["type"] == "upload.aborted" })
        #expect(event["subject"]?["id"] == mine[0])
        #expect(event["payload"]?["owner"] == .string(redopID))

        // The owner aborts their own through the same method.
        #expect(try team["redop"].call("upload.abort", ["upload_id": mine[1]])["id"] == mine[1])
    }

    @Test func theOverallCapStillHolds() throws {
        let daemon = try TestDaemon { $0.maxUploads = 5 }
        let team = try Team(daemon: daemon)
        let test = try team.readyTest()
        for _ in 0..<4 { _ = try beginEvidence(team, "redop", test) }
        _ = try beginEvidence(team, "blueanalyst", test, side: "blue")
        #expect(code { try team.admin.call("catalog.import_begin") } == "RESOURCE_EXHAUSTED")
        #expect(details { try team.admin.call("catalog.import_begin") }?["max_uploads"] == 5)
    }
}
