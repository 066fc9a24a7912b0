import AegisApp
import AegisDomain
import AegisTestSupport
import Foundation
import Testing

@testable import AegisStore

/// The telemetry purge on both stores: past the retention, then past the
/// size cap, oldest first; detections stay.
@Suite struct TelemetryRetentionTests {
    let dir: TemporaryDirectory
    let store: any StoreProvider
    let session: any StoreSession
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))

    init() throws {
        dir = try TemporaryDirectory()
        store = try TestStore.open(try TestStore.freshURL(in: dir.url))
        session = try store.openSession()
    }

    func retention(days: Int, maxBytes: Int64) throws -> TelemetryRetention {
        let env = AppEnvironment(
            clock: clock, crypto: TestCrypto(),
            uploads: try FileUploadStaging(root: dir.url.appendingPathComponent("uploads")),
            blobs: try FileBlobStore(root: dir.url.appendingPathComponent("blobs")), instanceID: "test", version: "0",
            startedAt: Date(), storeKind: store.kind)
        return TelemetryRetention(env: env, session: session, days: days, maxBytes: maxBytes)
    }

    /// An event received `daysAgo` days before the clock, with `size` bytes of body.
    func record(_ n: Int, daysAgo: Double, size: Int = 100) -> TelemetryRecord {
        let received = clock.now().addingTimeInterval(-daysAgo * 86_400)
        return TelemetryRecord(
            id: "evt_" + TimeOrderedID.timePart(received) + String(format: "%020d", n), receivedAt: received,
            occurredAt: received, host: "ws-\(n)", source: nil, agent: nil, body: Data(repeating: 0x7B, count: size))
    }

    func ids() throws -> [String] {
        try session.read {
            try $0.telemetry.events(since: .distantPast, until: .distantFuture, after: nil, limit: 1000)
        }.map(\.host).compactMap { $0 }
    }

    @Test func eventsPastTheRetentionGoAndTheRestStay() throws {
        try session.write { try $0.telemetry.insert([record(1, daysAgo: 9), record(2, daysAgo: 8), record(3, daysAgo: 1)]) }
        var purge = try retention(days: 7, maxBytes: 1 << 30)
        purge.chunk = 1
        #expect(try purge.purge() == 2)
        #expect(try ids() == ["ws-3"])
        #expect(try purge.purge() == 0)
    }

    @Test func pastTheSizeCapTheOldestGoFirst() throws {
        try session.write {
            try $0.telemetry.insert([record(1, daysAgo: 3, size: 400), record(2, daysAgo: 2, size: 400), record(3, daysAgo: 1, size: 400)])
        }
        var purge = try retention(days: 7, maxBytes: 500)
        purge.chunk = 1
        #expect(try purge.purge() == 2)
        #expect(try ids() == ["ws-3"])
    }
}
