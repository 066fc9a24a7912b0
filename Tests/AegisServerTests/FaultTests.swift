import AegisClient
import AegisWire
import Foundation
import Synchronization
import Testing
import AegisTestSupport

/// PostgreSQL going away under load: every request still gets one reply
/// (success or UNAVAILABLE) within the client's timeout, service comes back
/// by itself, no acknowledged write is lost and none is half-written. Each
/// test has a private cluster, since it stops or disturbs the server.
@Suite struct FaultTests {
    /// Eight clients creating tests as fast as they can, recording what
    /// was acknowledged and every error code.
    final class Load: @unchecked Sendable {
        let acknowledged = Mutex<[String]>([])
        let errors = Mutex<[String: Int]>([:])
        private let stopping = Atomic(false)
        private let group = DispatchGroup()

        init(daemon: TestDaemon, clients: Int = 8) {
            for worker in 0..<clients {
                DispatchQueue.global().async(group: group) { [self] in
                    guard let client = try? daemon.client(timeout: .seconds(15)) else {
                        errors.withLock { $0["no client", default: 0] += 1 }
                        return
                    }
                    var n = 0
                    while !stopping.load(ordering: .relaxed) {
                        n += 1
                        do {
                            let test = try client.call(
                                "test.create",
                                ["technique_id": "T0803", "name": .string("w\(worker) n\(n)"), "procedure": "p", "command": "c"])
                            if let id = test.mapValue?["id"]?.stringValue { acknowledged.withLock { $0.append(id) } }
                        } catch let error as AegisClientError {
                            errors.withLock { $0[error.code ?? "\(error)", default: 0] += 1 }
                        } catch {
                            errors.withLock { $0["\(error)", default: 0] += 1 }
                        }
                    }
                }
            }
        }

        var count: Int { acknowledged.withLock { $0.count } }

        func stop() {
            stopping.store(true, ordering: .relaxed)
            group.wait()
        }
    }

    /// Waits (at most `seconds`) until `load` has `more` acknowledged writes
    /// than now.
    static func progress(_ load: Load, more: Int = 20, seconds: Int = 30) throws -> Bool {
        let start = load.count
        return try eventually(timeout: .seconds(seconds)) { load.count >= start + more }
    }

    /// Every acknowledged test is there, and each stored test has its audit
    /// entry and its event: nothing half-written.
    static func checkConsistency(_ load: Load, url: String) throws {
        let acknowledged = load.acknowledged.withLock { $0 }
        // Events committed by a writer that lost its connection right after
        // its commit are numbered by the listener's next round.
        #expect(try eventually { try TestStore.integer("SELECT count(*) FROM pending_events", at: url) == 0 })
        let tests = try #require(try TestStore.integer("SELECT count(*) FROM tests", at: url))
        let audited = try TestStore.integer("SELECT count(*) FROM audit WHERE action = 'test.create'", at: url)
        let announced = try TestStore.integer("SELECT count(*) FROM events WHERE type = 'test.created'", at: url)
        #expect(tests >= Int64(acknowledged.count))
        #expect(audited == tests)
        #expect(announced == tests)
        let ids = acknowledged.map { "'\($0)'" }.joined(separator: ",")
        #expect(try TestStore.integer("SELECT count(*) FROM tests WHERE id IN (\(ids))", at: url) == Int64(acknowledged.count))
        // One gapless sequence.
        let last = try TestStore.integer("SELECT last_seq FROM event_counter", at: url)
        #expect(try TestStore.integer("SELECT count(*) FROM events", at: url) == last)
        #expect(try TestStore.integer("SELECT max(seq) FROM events", at: url) == last)
    }

    static func daemon(on cluster: PostgresCluster) throws -> TestDaemon {
        let daemon = try TestDaemon(databaseURL: cluster.url)
        _ = try daemon.client().call("catalog.import", ["files": .array([try SharedDaemon.icsFile()])])
        return daemon
    }

    @Test func postgresStoppedUnderLoadThenBack() throws {
        let cluster = try PostgresCluster()
        let daemon = try Self.daemon(on: cluster)
        let load = Load(daemon: daemon)
        defer { load.stop() }
        #expect(try Self.progress(load))

        try cluster.stop()
        // While it is down: refusals, not hangs (each call would fail its
        // 15 s timeout otherwise, and the load would record that).
        #expect(try eventually { load.errors.withLock { $0["UNAVAILABLE", default: 0] } >= 50 })
        try cluster.start()
        #expect(try Self.progress(load))
        load.stop()

        let errors = load.errors.withLock { $0 }
        #expect(Set(errors.keys) == ["UNAVAILABLE"], "\(errors)")
        try Self.checkConsistency(load, url: cluster.url)
        // And the daemon answers as before (a worker whose connection has
        // not been used since the restart may still be in its reconnect
        // backoff: UNAVAILABLE, which clients retry).
        let client = try daemon.client()
        #expect(try eventually { (try? client.call("system.info").mapValue?["store"]) == "postgresql" })
    }

    @Test func backendsTerminatedMidTransaction() throws {
        let cluster = try PostgresCluster()
        let daemon = try Self.daemon(on: cluster)
        let load = Load(daemon: daemon)
        defer { load.stop() }
        #expect(try Self.progress(load))

        // End every aegisd connection, again and again, while writes run.
        var terminated: Int64 = 0
        for _ in 0..<15 {
            terminated += try TestStore.integer(
                """
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE application_name = 'aegisd' AND pid <> pg_backend_pid()
                """, at: cluster.url) ?? 0
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(terminated > 15)
        #expect(try Self.progress(load))
        load.stop()

        let errors = load.errors.withLock { $0 }
        #expect(Set(errors.keys).isSubset(of: ["UNAVAILABLE"]), "\(errors)")
        try Self.checkConsistency(load, url: cluster.url)
    }
}
