import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// kill -9 during a stream of mutations, twenty times: every acknowledged
/// mutation survives, nothing half-done does, and the event stream has no gap.
@Suite(.serialized) struct CrashTests {
    /// What the mutation stream saw acknowledged: test id -> highest version.
    final class Acknowledged: @unchecked Sendable {
        private let lock = NSLock()
        private var versions: [String: Int64] = [:]
        func record(_ id: String, _ version: Int64) { lock.withLock { versions[id] = max(versions[id] ?? 0, version) } }
        var all: [String: Int64] { lock.withLock { versions } }
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    @Test func killNineAtRandomMomentsLosesNothingAcknowledged() throws {
        let directory = try TemporaryDirectory()
        var daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path], reusing: directory)
        let acknowledged = Acknowledged()
        let key = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let moves = ["test.mark_ready", "test.start", "test.pause", "test.resume"]
        for cycle in 0..<20 {
            if cycle > 0 { daemon = try DaemonProcess(reusing: directory) }
            let endpoint = daemon.rpc
            let stop = Flag()
            let writer = Thread {
                guard let client = try? AegisClient(endpoint: endpoint, apiKey: key, timeout: .seconds(2)) else { return }
                while !stop.isSet {
                    do {
                        var test = try client.call(
                            "test.create", ["technique_id": "T0803", "name": .string("crash \(cycle)")])
                        acknowledged.record(test["id"]?.stringValue ?? "", test["version"]?.intValue ?? 0)
                        for move in moves {
                            test = try client.call(move, ["id": test["id"] ?? .nil, "version": test["version"] ?? .nil])
                            acknowledged.record(test["id"]?.stringValue ?? "", test["version"]?.intValue ?? 0)
                        }
                    } catch {
                        return  // the daemon is gone
                    }
                }
            }
            writer.start()
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.4))
            daemon.crash()
            stop.set()
            while writer.isExecuting { Thread.sleep(forTimeInterval: 0.005) }
        }

        daemon = try DaemonProcess(reusing: directory)
        let client = try AegisClient(endpoint: daemon.rpc, apiKey: key)
        let seen = acknowledged.all
        #expect(seen.count > 20)
        for (id, version) in seen {
            let test = try client.call("test.get", ["id": .string(id)])
            let stored = test["version"]?.intValue ?? 0
            #expect(stored >= version, "test \(id) lost an acknowledged mutation")
            // Nothing half-done: one audit row per version, one event per change.
            let audit = try client.call("audit.list", ["entity_kind": "test", "entity_id": .string(id), "limit": 100])
            #expect(audit["items"]?.arrayValue?.count == Int(stored), "test \(id)")
        }
        // The outbox has every committed event, numbered without a gap, and
        // the publisher has sent them all.
        var seqs: [Int64] = []
        var after: Int64 = 0
        while true {
            let page = try client.call("events.replay", ["after_seq": .int(after), "limit": 1000])
            let items = page["items"]?.arrayValue ?? []
            seqs += items.compactMap { $0["seq"]?.intValue }
            guard let last = items.last?["seq"]?.intValue else { break }
            after = last
        }
        #expect(seqs == Array(1...Int64(seqs.count)))
        let states = seqs.count
        let changes = seen.keys.reduce(0) { total, id in
            total + Int((try? client.call("test.get", ["id": .string(id)])["version"]?.intValue) ?? 0)
        }
        #expect(states >= changes)
        #expect(daemon.terminate() == 0)
    }
}
