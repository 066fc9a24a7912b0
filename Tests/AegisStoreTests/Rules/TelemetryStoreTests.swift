import AegisDomain
import AegisTestSupport
import Foundation
import Testing

@testable import AegisStore

/// Telemetry events and detections on both stores: kept as received, a
/// detection stored once whatever the repeats, filters, newest-first pages
/// and the retention purge.
@Suite struct TelemetryStoreTests {
    let dir: TemporaryDirectory
    let store: any StoreProvider
    let session: any StoreSession
    let crypto = TestCrypto()

    init() throws {
        dir = try TemporaryDirectory()
        store = try TestStore.open(try TestStore.freshURL(in: dir.url))
        session = try store.openSession()
    }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func record(_ host: String, at offset: TimeInterval) -> TelemetryRecord {
        TelemetryRecord(
            id: crypto.newID(prefix: "evt_"), receivedAt: Self.t0 + 30, occurredAt: Self.t0 + offset, host: host,
            source: "sysmon", agent: "api_key:k", body: Data("{\"host\":\"\(host)\"}".utf8))
    }

    func detection(_ id: String, event: String, host: String, at offset: TimeInterval, confidence: Int = 70) -> Detection {
        Detection(
            id: id, ruleID: "r-1", ruleRevision: 3, ruleFormat: .sigma, techniqueIDs: ["T1059", "T1059.001"],
            tacticIDs: ["TA0002"], confidence: confidence, level: "high", eventID: event, host: host,
            occurredAt: Self.t0 + offset, detectedAt: Self.t0 + offset + 1,
            evidence: ["Image": "C:\\Windows\\System32\\cmd.exe", "EventID": 1])
    }

    @Test func eventsAreKeptAsReceivedAndReadByTime() throws {
        let records = (0..<5).map { record("ws-\($0)", at: Double($0)) }
        try session.write { try $0.telemetry.insert(records) }
        try session.write { try $0.telemetry.insert([records[0]]) }
        #expect(try session.read { try $0.telemetry.event(id: records[2].id) } == records[2])
        let firstTwo = try session.read {
            try $0.telemetry.events(since: Self.t0, until: Self.t0 + 100, after: nil, limit: 2)
        }
        #expect(firstTwo.map(\.id) == records.prefix(2).map(\.id))
        let rest = try session.read {
            try $0.telemetry.events(since: Self.t0, until: Self.t0 + 4, after: (firstTwo[1].occurredAt, firstTwo[1].id), limit: 10)
        }
        #expect(rest.map(\.id) == records[2..<4].map(\.id))
        #expect(try session.read { try $0.telemetry.totals() }.events == 5)
    }

    @Test func aDetectionIsStoredOnceAndListedNewestFirstWithFilters() throws {
        let first = try session.write {
            try $0.detections.insert([
                detection("det_a", event: "evt_1", host: "WS-1", at: 0),
                detection("det_b", event: "evt_2", host: "ws-2", at: 10, confidence: 30),
                detection("det_c", event: "evt_3", host: "ws-1", at: 20),
            ])
        }
        #expect(first == ["det_a", "det_b", "det_c"])
        let again = try session.write { try $0.detections.insert([detection("det_a", event: "evt_1", host: "WS-1", at: 0)]) }
        #expect(again.isEmpty)
        #expect(try session.read { try $0.detections.detection(id: "det_a") } == detection("det_a", event: "evt_1", host: "WS-1", at: 0))
        func list(_ q: DetectionQuery) throws -> [String] { try session.read { try $0.detections.detections(matching: q) }.map(\.id) }
        #expect(try list(DetectionQuery()) == ["det_c", "det_b", "det_a"])
        #expect(try list(DetectionQuery(host: "ws-1")) == ["det_c", "det_a"])
        #expect(try list(DetectionQuery(techniqueID: "T1059")) == ["det_c", "det_b", "det_a"])
        #expect(try list(DetectionQuery(techniqueID: "T1003")) == [])
        #expect(try list(DetectionQuery(minConfidence: 50)) == ["det_c", "det_a"])
        #expect(try list(DetectionQuery(since: Self.t0 + 5, until: Self.t0 + 20)) == ["det_b"])
        let page = try list(DetectionQuery(limit: 2))
        #expect(page == ["det_c", "det_b"])
        #expect(try list(DetectionQuery(limit: 2, after: DetectionKey(occurredAt: Self.t0 + 10, id: "det_b"))) == ["det_a"])
    }

    @Test func thePurgeRemovesEventsReceivedBeforeTheCutoff() throws {
        var old = record("old", at: 0)
        old.id = "evt_" + TimeOrderedID.timePart(Date(timeIntervalSince1970: 1_000)) + String(repeating: "0", count: 20)
        let recent = record("new", at: 1)
        try session.write { try $0.telemetry.insert([old, recent]) }
        #expect(try session.write { try $0.telemetry.purge(receivedBefore: Date(timeIntervalSince1970: 2_000), limit: 100) } == 1)
        #expect(try session.read { try $0.telemetry.event(id: old.id) } == nil)
        #expect(try session.read { try $0.telemetry.event(id: recent.id) } != nil)
    }
}
