import AegisClient
import AegisDomain
import AegisServer
import AegisWire
import Foundation
import Synchronization
import Testing
import AegisTestSupport

/// Several aegisd on one PostgreSQL database form one deployment.
@Suite struct DeploymentTests {
    /// Two instances on a fresh schema of the run's cluster.
    struct Pair {
        let a: TestDaemon
        let b: TestDaemon

        init(configure: (inout DaemonSettings) -> Void = { _ in }) throws {
            let url = try TestPostgres.url(schema: try TestPostgres.createSchema())
            a = try TestDaemon(databaseURL: url, instanceID: "a", configure: configure)
            b = try TestDaemon(databaseURL: url, instanceID: "b", adminKey: a.adminKey, configure: configure)
        }
    }

    @Test func theFirstAdminKeyIsCreatedOnce() throws {
        let pair = try Pair()
        #expect(FileManager.default.fileExists(atPath: pair.a.dataDirectory.appendingPathComponent("admin.key").path))
        #expect(!FileManager.default.fileExists(atPath: pair.b.dataDirectory.appendingPathComponent("admin.key").path))
        let keys = try pair.b.client().call("api_key.list").mapValue?["items"]?.arrayValue
        #expect(keys?.count == 1)
        // Both instances answer to the one key.
        _ = try pair.a.client().call("auth.whoami")
        _ = try pair.b.client().call("auth.whoami")
    }

    @Test func aChangeThroughOneIsReadThroughTheOtherAtOnce() throws {
        let pair = try Pair()
        let a = try pair.a.client(), b = try pair.b.client()
        for i in 0..<20 {
            let created = try a.call(
                "user.create",
                ["username": .string("user\(i)"), "password": .string(Team.password), "roles": ["viewer"]])
            let id = try #require(created.mapValue?["id"])
            #expect(try b.call("user.get", ["id": id]).mapValue?["username"] == .string("user\(i)"))
            let renamed = try b.call(
                "user.update", ["id": id, "version": created.mapValue?["version"] ?? .nil, "display_name": "Renamed"])
            #expect(try a.call("user.get", ["id": id]).mapValue?["display_name"] == "Renamed")
            #expect(renamed.mapValue?["version"] == .int(2))
        }
    }

    /// Every event is published by every instance: a subscriber of either
    /// gets each one once, in `seq` order, with no gap, whichever instance
    /// committed it.
    @Test func everyInstancePublishesEveryEventOnceInOrder() throws {
        let pair = try Pair()
        let subA = try EventSubscriber(endpoint: pair.a.daemon.eventsEndpoint, topics: ["user."])
        let subB = try EventSubscriber(endpoint: pair.b.daemon.eventsEndpoint, topics: ["user."])
        let a = try pair.a.client(), b = try pair.b.client()
        // SUB sockets join asynchronously: wait until both hear a probe.
        var probes = 0
        func probe() throws {
            probes += 1
            _ = try a.call(
                "user.create", ["username": .string("probe\(probes)"), "password": .string(Team.password), "roles": ["viewer"]])
        }
        try probe()
        var firstA = try subA.next(timeout: .milliseconds(300))
        var firstB = try subB.next(timeout: .milliseconds(300))
        while firstA == nil || firstB == nil, probes < 30 {
            try probe()
            if firstA == nil { firstA = try subA.next(timeout: .milliseconds(300)) }
            if firstB == nil { firstB = try subB.next(timeout: .milliseconds(300)) }
        }
        let start = try #require(max(try #require(firstA).seq, try #require(firstB).seq))
        // Drain what the probes left, up to the later of the two first events.
        var seenA: [Int64] = [], seenB: [Int64] = []

        // Changes through both instances, alternating, from two threads at once.
        let count = 40
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            // A client per thread: clients are not shared between threads.
            guard let client = try? (side == 0 ? pair.a : pair.b).client() else { return }
            for i in 0..<count / 2 {
                _ = try? client.call(
                    "user.create",
                    ["username": .string("s\(side)u\(i)"), "password": .string(Team.password), "roles": ["viewer"]])
            }
        }
        let last = try #require(try a.call("events.replay", ["after_seq": 0, "limit": 1]).mapValue?["last_seq"]?.intValue)
        func collect(_ sub: EventSubscriber, into seen: inout [Int64]) throws {
            while seen.last ?? 0 < last, let event = try sub.next(timeout: .seconds(10)) {
                if event.seq > start { seen.append(event.seq) }
            }
        }
        try collect(subA, into: &seenA)
        try collect(subB, into: &seenB)
        let expected = Array((start + 1)...last)
        #expect(seenA == expected)
        #expect(seenB == expected)
        #expect(expected.count >= count)
        // The sources show both instances committed.
        let replay = try #require(try b.call("events.replay", ["after_seq": .int(start), "limit": 1000]).mapValue)
        let sources = Set((replay["items"]?.arrayValue ?? []).compactMap { $0.mapValue?["source"]?.stringValue })
        #expect(sources == ["a", "b"])
    }

    @Test func aRevokedKeyAndADisabledUserAreRefusedByEveryInstance() throws {
        let pair = try Pair()
        let admin = try pair.a.client()
        let created = try admin.call("api_key.create", ["name": "ops", "roles": ["viewer"]])
        let secret = try #require(created.mapValue?["key"]?.stringValue)
        let keyID = try #require(created.mapValue?["api_key"]?.mapValue?["id"])
        let onB = try pair.b.client(key: .some(secret))
        _ = try onB.call("auth.whoami")  // now cached on b's front thread
        _ = try admin.call("api_key.revoke", ["id": keyID])
        #expect(try eventually(timeout: .seconds(2)) { (try? onB.call("auth.whoami")) == nil })
        let error = #expect(throws: AegisClientError.self) { try onB.call("auth.whoami") }
        #expect(error?.code == "UNAUTHENTICATED")

        let user = try admin.call(
            "user.create", ["username": "analyst", "password": .string(Team.password), "roles": ["viewer"]])
        let login = try pair.b.client(key: .some(nil)).call(
            "auth.login", ["username": "analyst", "password": .string(Team.password)])
        let token = try #require(login.mapValue?["token"]?.stringValue)
        let session = try pair.b.client(key: .some(token))
        _ = try session.call("auth.whoami")
        _ = try admin.call(
            "user.disable", ["id": user.mapValue?["id"] ?? .nil, "version": user.mapValue?["version"] ?? .nil])
        #expect(try eventually(timeout: .seconds(2)) { (try? session.call("auth.whoami")) == nil })
    }

    /// Optimistic concurrency holds across instances: of two updates of one
    /// test at the same version, one through each instance, exactly one
    /// succeeds and the other gets CONFLICT.
    @Test func twoInstancesUpdatingTheSameVersionOneConflicts() throws {
        let pair = try Pair()
        let team = try Team(daemon: pair.a)
        for round in 0..<10 {
            let test = try team.readyTest(name: "round \(round)")
            let id = test.mapValue?["id"] ?? .nil, version = test.mapValue?["version"] ?? .nil
            let outcomes = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { side in
                do {
                    let client = try (side == 0 ? pair.a : pair.b).client()
                    _ = try client.call("test.update", ["id": id, "version": version, "name": .string("by \(side)")])
                    outcomes.withLock { $0.append("ok") }
                } catch let error as AegisClientError {
                    outcomes.withLock { $0.append(error.code ?? "?") }
                } catch {
                    outcomes.withLock { $0.append("\(error)") }
                }
            }
            #expect(outcomes.withLock { $0.sorted() } == ["CONFLICT", "ok"])
        }
    }

    @Test func exactlyOneInstanceLeadsAndAnotherTakesOver() throws {
        let pair = try Pair()
        func leads(_ daemon: TestDaemon) throws -> Bool {
            try daemon.client(key: .some(nil)).call("system.info").mapValue?["leader"] == true
        }
        #expect(try eventually { try leads(pair.a) != leads(pair.b) })
        let (leader, other) = try leads(pair.a) ? (pair.a, pair.b) : (pair.b, pair.a)
        leader.daemon.stop()
        #expect(try eventually { try leads(other) })
    }

    @Test func aSingletonPluginRunsOnTheLeaderAloneAndMovesWithTheLead() throws {
        var probe = PluginSupervisorTests.probe()
        probe.singleton = true
        let pair = try Pair {
            $0.plugins = [probe]
            $0.pluginPolicy = PluginSupervisorTests.policy
        }
        func state(_ daemon: TestDaemon) throws -> String? {
            try PluginSupervisorTests.status(daemon)?["state"]?.stringValue
        }
        #expect(try eventually(timeout: .seconds(20)) {
            Set([try state(pair.a), try state(pair.b)]) == ["running", "stopped"]
        })
        let (leader, other) = try state(pair.a) == "running" ? (pair.a, pair.b) : (pair.b, pair.a)
        let info = try leader.client(key: .some(nil)).call("system.info")
        #expect(info["leader"] == true)
        // It stays up: several heartbeats later it has not been restarted.
        let first = try #require(try PluginSupervisorTests.status(leader)?["last_heartbeat"]?.dateValue)
        #expect(try eventually {
            (try PluginSupervisorTests.status(leader)?["last_heartbeat"]?.dateValue ?? first).timeIntervalSince(first) > 0.5
        })
        #expect(try PluginSupervisorTests.status(leader)?["restarts"] == 0)
        #expect(try PluginSupervisorTests.events(leader, "plugin.stopped").isEmpty)
        // Not where the lead is not.
        #expect(code { try other.client().call("plugin.start", ["name": "probe"]) } == "FAILED_PRECONDITION")
        leader.daemon.stop()
        #expect(try eventually(timeout: .seconds(20)) { try state(other) == "running" })
    }
}
