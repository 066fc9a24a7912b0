import AegisClient
import AegisWire
import Foundation
import Testing
import AegisTestSupport

@testable import AegisServer
@testable import AegisStore

@Suite struct EvidenceTests {
    func sha256(_ data: Data) throws -> String { try SodiumCrypto().sha256Hex(data) }

    @Test func smallAndChunkedUploadsRoundTrip() throws {
        let team = try Team()
        let t = try team.readyTest()
        let small = Data("screenshot bytes".utf8)
        let evidence = try team["redop"].call(
            "evidence.upload",
            ["test_id": t["id"] ?? .nil, "side": "red", "caption": "console", "filename": "shot.png", "content": .binary(small)])
        #expect(evidence["sha256"] == .string(try sha256(small)))

        let big = Data((0..<700_000).map { UInt8($0 % 251) })
        let begun = try team["blueanalyst"].call(
            "evidence.upload_begin",
            [
                "test_id": t["id"] ?? .nil, "side": "blue", "caption": "pcap", "filename": "capture.pcap",
                "size": .int(Int64(big.count)), "sha256": .string(try sha256(big)),
            ])
        let upload = try #require(begun["upload_id"])
        var offset = 0
        while offset < big.count {
            let end = min(offset + 250_000, big.count)
            _ = try team["blueanalyst"].call(
                "evidence.upload_append", ["upload_id": upload, "offset": .int(Int64(offset)), "data": .binary(big.subdata(in: offset..<end))])
            offset = end
        }
        let stored = try team["blueanalyst"].call("evidence.upload_commit", ["upload_id": upload])
        #expect(stored["size"] == .int(Int64(big.count)))

        // Read it back in chunks.
        var back = Data()
        while true {
            let chunk = try team["viewer1"].call(
                "evidence.get", ["id": stored["id"] ?? .nil, "offset": .int(Int64(back.count)), "length": 300_000])
            back.append(chunk["data"]?.dataValue ?? Data())
            if chunk["eof"] == true { break }
        }
        #expect(back == big)
        let listed = try team["redlead"].call("evidence.list", ["test_id": t["id"] ?? .nil])
        #expect(listed["items"]?.arrayValue?.count == 2)
        // Before red submits a blind test, others see only blue's evidence.
        #expect(try team["viewer1"].call("evidence.list", ["test_id": t["id"] ?? .nil])["items"]?.arrayValue?.count == 1)
        // The same content again is stored once.
        _ = try team["redop"].call(
            "evidence.upload",
            ["test_id": t["id"] ?? .nil, "side": "red", "caption": "again", "filename": "shot2.png", "content": .binary(small)])
        switch TestStore.kind {
        case .sqlite:
            let blob = team.daemon.dataDirectory.appendingPathComponent("blobs")
                .appendingPathComponent(String(try sha256(small).prefix(2)))
            #expect(try FileManager.default.contentsOfDirectory(atPath: blob.path).count == 1)
        case .postgres:
            // In the database, where every instance finds it.
            let hash = try sha256(small)
            #expect(try TestStore.integer("SELECT count(*) FROM blobs WHERE sha256 = '\(hash)'", at: team.daemon.storeURL) == 1)
            #expect(!FileManager.default.fileExists(atPath: team.daemon.dataDirectory.appendingPathComponent("blobs/\(hash.prefix(2))").path))
        }
    }

    @Test func aSideAttachesOnlyItsOwnEvidence() throws {
        let team = try Team()
        let t = try team.readyTest()
        let error = #expect(throws: AegisClientError.self) {
            try team["blueanalyst"].call(
                "evidence.upload", ["test_id": t["id"] ?? .nil, "side": "red", "filename": "x", "content": .binary(Data([1]))])
        }
        #expect(error?.code == "PERMISSION_DENIED")
    }

    @Test func blindTestsHideRedEvidenceFromBlue() throws {
        let team = try Team()
        let t = try team.readyTest()
        let red = try team["redop"].call(
            "evidence.upload", ["test_id": t["id"] ?? .nil, "side": "red", "filename": "plan.txt", "content": .binary(Data("plan".utf8))])
        #expect(try team["blueanalyst"].call("evidence.list", ["test_id": t["id"] ?? .nil])["items"]?.arrayValue?.isEmpty == true)
        let hidden = #expect(throws: AegisClientError.self) { try team["blueanalyst"].call("evidence.get", ["id": red["id"] ?? .nil]) }
        #expect(hidden?.code == "NOT_FOUND")
    }

    @Test func blindTestsKeepRedEvidenceFromBlueDeletes() throws {
        let team = try Team()
        let t = try team.readyTest()
        let red = try team["redop"].call(
            "evidence.upload", ["test_id": t["id"] ?? .nil, "side": "red", "filename": "plan.txt", "content": .binary(Data("plan".utf8))])
        let hidden = #expect(throws: AegisClientError.self) {
            try team["bluelead"].call("evidence.delete", ["id": red["id"] ?? .nil])
        }
        #expect(hidden?.code == "NOT_FOUND")
        if case .remote(_, _, let details)? = hidden { #expect(details?["kind"] == "evidence") }
        // Nothing was deleted: red still lists and reads it.
        #expect(try team["redlead"].call("evidence.list", ["test_id": t["id"] ?? .nil])["items"]?.arrayValue?.count == 1)
        #expect(try team["redlead"].call("evidence.get", ["id": red["id"] ?? .nil])["data"]?.dataValue == Data("plan".utf8))
        // Once red has submitted, blue sees it and its lead may delete it.
        let started = try team.move("redop", "test.start", t)
        try team.move("redop", "test.submit_red", started, ["outcome": "executed", "commands": ["modbus-cli write 1 0"]])
        _ = try team["bluelead"].call("evidence.delete", ["id": red["id"] ?? .nil])
        #expect(try team["redlead"].call("evidence.list", ["test_id": t["id"] ?? .nil])["items"]?.arrayValue?.isEmpty == true)
    }

    /// Follows `next_cursor` with pages of `limit`; every page but the last is full.
    func allPages(_ client: AegisClient, _ testID: MessagePackValue, limit: Int64) throws -> [MessagePackValue] {
        var items: [MessagePackValue] = []
        var cursor: MessagePackValue = .nil
        repeat {
            var params: MessagePackMap = ["test_id": testID, "limit": .int(limit)]
            if cursor != .nil { params.append(key: "cursor", value: cursor) }
            let page = try client.call("evidence.list", params)
            let batch = try #require(page["items"]?.arrayValue)
            cursor = try #require(page["next_cursor"])
            if cursor != .nil { #expect(batch.count == Int(limit)) }
            items += batch
        } while cursor != .nil
        return items
    }

    @Test func listsArePagedInUploadOrderAndStayBlind() throws {
        let team = try Team()
        let t = try team.readyTest()
        let id = t["id"] ?? .nil
        var uploaded: [(id: MessagePackValue, side: String)] = []
        for (i, who) in ["redop", "blueanalyst", "redop", "redop", "blueanalyst", "redop", "blueanalyst"].enumerated() {
            let side = who == "redop" ? "red" : "blue"
            let e = try team[who].call(
                "evidence.upload",
                ["test_id": id, "side": .string(side), "filename": .string("f\(i)"), "content": .binary(Data([UInt8(i)]))])
            uploaded.append((e["id"] ?? .nil, side))
        }
        // Red sees all of it, in upload order, two at a time or in one page.
        #expect(try allPages(team["redlead"], id, limit: 2).map { $0["id"] ?? .nil } == uploaded.map(\.id))
        let whole = try team["redlead"].call("evidence.list", ["test_id": id])
        #expect(whole["items"]?.arrayValue?.count == uploaded.count)
        #expect(whole["next_cursor"] == .nil)
        // Blue sees only its own, in the same order, pages still full.
        let blue = uploaded.filter { $0.side == "blue" }.map(\.id)
        #expect(try allPages(team["viewer1"], id, limit: 2).map { $0["id"] ?? .nil } == blue)
        #expect(try allPages(team["bluelead"], id, limit: 1).map { $0["id"] ?? .nil } == blue)

        // Well wrapped, but not a position in this list.
        let forged = Data("c1:nonsense".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        for (params, field) in [
            (["test_id": id, "limit": 0] as MessagePackMap, "limit"), (["test_id": id, "limit": 1001], "limit"),
            (["test_id": id, "cursor": "not-ours"], "cursor"), (["test_id": id, "cursor": .string(forged)], "cursor"),
        ] {
            let error = #expect(throws: AegisClientError.self) { try team["redlead"].call("evidence.list", params) }
            #expect(error?.code == "INVALID_ARGUMENT")
            if case .remote(_, _, let details)? = error { #expect(details?["field"] == .string(field)) }
        }
    }

    @Test func anUploadThatStopsHalfWayLeavesNothing() throws {
        let team = try Team()
        let t = try team.readyTest()
        let content = Data(repeating: 7, count: 100_000)
        let begun = try team["redop"].call(
            "evidence.upload_begin",
            ["test_id": t["id"] ?? .nil, "side": "red", "filename": "half.bin", "size": .int(Int64(content.count)), "sha256": .string(try sha256(content))])
        let upload = try #require(begun["upload_id"])
        _ = try team["redop"].call("evidence.upload_append", ["upload_id": upload, "offset": 0, "data": .binary(content.prefix(50_000))])
        // Committing early is refused; nothing shows.
        let early = #expect(throws: AegisClientError.self) { try team["redop"].call("evidence.upload_commit", ["upload_id": upload]) }
        #expect(early?.code == "FAILED_PRECONDITION")
        #expect(try team["redop"].call("evidence.list", ["test_id": t["id"] ?? .nil])["items"]?.arrayValue?.isEmpty == true)
        // The staged bytes are gone.
        let staged = team.daemon.dataDirectory.appendingPathComponent("uploads")
        #expect(try FileManager.default.contentsOfDirectory(atPath: staged.path).isEmpty)

        // One abandoned by its client is dropped when it expires.
        let second = try team["redop"].call(
            "evidence.upload_begin",
            ["test_id": t["id"] ?? .nil, "side": "red", "filename": "gone.bin", "size": 10, "sha256": .string(try sha256(Data(count: 10)))])
        _ = try team["redop"].call("evidence.upload_abort", ["upload_id": second["upload_id"] ?? .nil])
        #expect(try FileManager.default.contentsOfDirectory(atPath: staged.path).isEmpty)
    }

    @Test func oversizeAndMismatchedUploadsAreRefused() throws {
        let team = try Team()
        let t = try team.readyTest()
        let tooBig = #expect(throws: AegisClientError.self) {
            try team["redop"].call(
                "evidence.upload_begin",
                ["test_id": t["id"] ?? .nil, "side": "red", "filename": "huge", "size": .int(200 << 20), "sha256": .string(String(repeating: "a", count: 64))])
        }
        #expect(tooBig?.code == "RESOURCE_EXHAUSTED")
        let begun = try team["redop"].call(
            "evidence.upload_begin",
            ["test_id": t["id"] ?? .nil, "side": "red", "filename": "x", "size": 4, "sha256": .string(String(repeating: "0", count: 64))])
        let overflow = #expect(throws: AegisClientError.self) {
            try team["redop"].call("evidence.upload_append", ["upload_id": begun["upload_id"] ?? .nil, "offset": 0, "data": .binary(Data(count: 5))])
        }
        #expect(overflow?.code == "RESOURCE_EXHAUSTED")
        _ = try team["redop"].call("evidence.upload_append", ["upload_id": begun["upload_id"] ?? .nil, "offset": 0, "data": .binary(Data(count: 4))])
        let mismatch = #expect(throws: AegisClientError.self) {
            try team["redop"].call("evidence.upload_commit", ["upload_id": begun["upload_id"] ?? .nil])
        }
        #expect(mismatch?.code == "FAILED_PRECONDITION")
    }

    /// Two leads upload the same content and delete it again, at once, over
    /// and over: a delete never takes away a file that other evidence has
    /// just come to point at.
    @Test func deletesAndUploadsOfTheSameContentDoNotRace() throws {
        let team = try Team()
        let t = try team.readyTest(blind: false)
        let content = Data("the same bytes, uploaded again and again".utf8)
        let failures = Failures()
        let group = DispatchGroup()
        for (lead, side) in [("redlead", "red"), ("bluelead", "blue")] {
            nonisolated(unsafe) let client = team[lead]  // used by this thread only
            group.enter()
            Thread {
                defer { group.leave() }
                for _ in 0..<60 {
                    do {
                        let e = try client.call(
                            "evidence.upload",
                            ["test_id": t["id"] ?? .nil, "side": .string(side), "filename": "x", "content": .binary(content)])
                        let back = try client.call("evidence.get", ["id": e["id"] ?? .nil])
                        if back["data"]?.dataValue != content { failures.add("\(lead): content changed") }
                        _ = try client.call("evidence.delete", ["id": e["id"] ?? .nil])
                    } catch {
                        failures.add("\(lead): \(error)")
                    }
                }
            }.start()
        }
        group.wait()
        #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
    }

    @Test func theAuditTrailIsAppendOnly() throws {
        let team = try Team()
        _ = try team.readyTest()
        let url = team.daemon.storeURL
        #expect(try TestStore.integer("SELECT count(*) FROM audit", at: url) ?? 0 > 0)
        #expect(throws: (any Error).self) { try TestStore.execute("UPDATE audit SET action = 'x'", at: url) }
        #expect(throws: (any Error).self) { try TestStore.execute("DELETE FROM audit", at: url) }
    }
}

/// Failures gathered from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
