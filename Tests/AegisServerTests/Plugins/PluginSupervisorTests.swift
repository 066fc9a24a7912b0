import AegisClient
import AegisDomain
import AegisTestSupport
import AegisWire
import Foundation
import Testing

@testable import AegisServer

/// The supervisor against real child processes of `aegis-probe`, a plugin
/// that behaves or misbehaves as its settings say.
@Suite struct PluginSupervisorTests {
    /// Short timeouts, so that failures show within a second or two.
    static let policy = PluginPolicy(
        backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(400)), maxFailures: 3,
        healthyAfter: .seconds(30), stopGrace: .milliseconds(500), heartbeatInterval: .milliseconds(100))

    static func probe(
        _ name: String = "probe", behaviour: String = "normal", scope: [String] = [], restart: PluginDeclaration.Restart = .always,
        extra: String = ""
    ) -> PluginDeclaration {
        PluginDeclaration(
            name: name, command: TestData.executable("aegis-probe").path, restart: restart, helloTimeout: .seconds(2),
            heartbeatTimeout: .seconds(1), scope: scope,
            settingsJSON: "{\"behaviour\": \"\(behaviour)\"\(extra)}")
    }

    static func daemon(_ plugins: [PluginDeclaration]) throws -> TestDaemon {
        try TestDaemon {
            $0.plugins = plugins
            $0.pluginPolicy = policy
        }
    }

    static func status(_ daemon: TestDaemon, _ name: String = "probe") throws -> MessagePackValue? {
        let items = try daemon.client().call("plugin.list")["items"]?.arrayValue ?? []
        return items.first { $0["name"] == .string(name) }
    }

    static func events(_ daemon: TestDaemon, _ type: String) throws -> [MessagePackValue] {
        let items = try daemon.client().call("events.replay", ["after_seq": 0, "limit": 1000])["items"]?.arrayValue ?? []
        return items.filter { $0["type"] == .string(type) }
    }

    static func logged(_ daemon: TestDaemon, _ text: String, _ name: String = "probe") throws -> Bool {
        let lines = try daemon.client().call("plugin.logs", ["name": .string(name), "lines": 1000])["items"]?.arrayValue ?? []
        return lines.contains { $0["text"]?.stringValue?.contains(text) == true }
    }

    static func alive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno != ESRCH }

    @Test func aWellBehavedPluginSaysHelloHeartbeatsAndIsListed() throws {
        let daemon = try Self.daemon([Self.probe()])
        #expect(try eventually { try Self.status(daemon)?["state"] == "running" })
        let firstBeat = try #require(try Self.status(daemon)?["last_heartbeat"]?.dateValue)
        #expect(try eventually { (try Self.status(daemon)?["last_heartbeat"]?.dateValue ?? firstBeat) > firstBeat })
        let status = try #require(try Self.status(daemon))
        #expect(status["version"] == "0.0.1")
        #expect(status["capabilities"] == .array(["probe"]))
        #expect((status["pid"]?.intValue ?? 0) > 0)
        #expect(status["restarts"] == 0)
        #expect(try Self.logged(daemon, "hello answered"))
        let started = try #require(try Self.events(daemon, "plugin.started").first)
        #expect(started["subject"]?["id"] == "probe")
        #expect(started["payload"]?["version"] == "0.0.1")
        // Its output is in aegisd's log too, with the plugin named.
        #expect(try eventually { daemon.log.text.contains("\"plugin\":\"probe\"") })
    }

    @Test func theSwiftKitFollowsEventsWithoutGapsFromBeforeItStarted() throws {
        let daemon = try TestDaemon { $0.pluginPolicy = Self.policy }
        // Committed before the plugin exists: replayed, then followed live.
        _ = try daemon.client().call("api_key.create", ["name": "early", "roles": ["viewer"]])
        let later = try TestDaemon(databaseURL: daemon.storeURL, adminKey: daemon.adminKey) {
            $0.plugins = [Self.probe(extra: ", \"follow\": [\"api_key.\"]")]
            $0.pluginPolicy = Self.policy
        }
        daemon.daemon.stop()
        #expect(try eventually { try Self.logged(later, "api_key.created") })
        _ = try later.client().call("api_key.create", ["name": "late", "roles": ["viewer"]])
        #expect(try eventually {
            let lines = try later.client().call("plugin.logs", ["name": "probe", "lines": 1000])["items"]?.arrayValue ?? []
            return lines.filter { $0["text"]?.stringValue?.contains("api_key.created") == true }.count == 3
        })
    }

    @Test func aPluginThatNeverSaysHelloIsRestartedThenFailed() throws {
        let daemon = try Self.daemon([Self.probe(behaviour: "silent")])
        #expect(try eventually(timeout: .seconds(30)) { try Self.status(daemon)?["state"] == "failed" })
        let crashes = try Self.events(daemon, "plugin.crashed")
        #expect(crashes.count == 3)
        #expect(crashes.allSatisfy { $0["payload"]?["reason"]?.stringValue?.contains("no plugin.hello") == true })
        #expect(try Self.events(daemon, "plugin.failed").count == 1)
        #expect(try Self.status(daemon)?["restarts"] == 2)
        // An admin starts it again.
        let started = try daemon.client().call("plugin.start", ["name": "probe"])
        #expect(started["state"] == "starting")
    }

    @Test func aPluginThatStopsHeartbeatingIsRestarted() throws {
        let daemon = try Self.daemon([Self.probe(behaviour: "no-heartbeat")])
        #expect(try eventually(timeout: .seconds(20)) {
            try Self.events(daemon, "plugin.crashed").contains {
                $0["payload"]?["reason"]?.stringValue?.contains("no plugin.heartbeat") == true
            }
        })
        #expect(try Self.events(daemon, "plugin.started").count >= 1)
    }

    @Test func aPluginThatExitsAtOnceInALoopBacksOffThenFails() throws {
        let daemon = try Self.daemon([Self.probe(behaviour: "exit", extra: ", \"exit_status\": 3")])
        #expect(try eventually(timeout: .seconds(20)) { try Self.status(daemon)?["state"] == "failed" })
        let crashes = try Self.events(daemon, "plugin.crashed")
        #expect(crashes.count == 3)
        #expect(crashes.allSatisfy { $0["payload"]?["exit_status"] == 3 })
        let status = try #require(try Self.status(daemon))
        #expect(status["exit_status"] == 3)
        #expect(status["last_exit"] == "exit status 3")
        #expect(try Self.logged(daemon, "exiting at once"))
        // The waits between the starts grew.
        let times = crashes.compactMap { $0["occurred_at"]?.dateValue }
        #expect(times.count == 3)
        if times.count == 3 { #expect(times[2].timeIntervalSince(times[1]) > times[1].timeIntervalSince(times[0])) }
    }

    @Test func aPluginThatIgnoresSigtermIsKilledAfterTheGrace() throws {
        let daemon = try Self.daemon([Self.probe(behaviour: "ignore-term")])
        #expect(try eventually { try Self.status(daemon)?["state"] == "running" })
        let pid = Int32(try #require(try Self.status(daemon)?["pid"]?.intValue))
        let stopped = try daemon.client().call("plugin.stop", ["name": "probe"])
        #expect(stopped["state"] == "running")  // until it has exited
        #expect(try eventually { try Self.status(daemon)?["state"] == "stopped" })
        let status = try #require(try Self.status(daemon))
        #expect(status["signal"] == .int(Int64(SIGKILL)))
        #expect(!Self.alive(pid))
        #expect(try Self.logged(daemon, "ignoring SIGTERM"))
        #expect(try Self.events(daemon, "plugin.stopped").count == 1)
        // An admin's stop keeps it stopped.
        let audit = try daemon.client().call("audit.list", ["entity_kind": "plugin", "action": "plugin.stop"])
        #expect(audit["items"]?.arrayValue?.count == 1)
    }

    @Test func aCallOutsideTheScopeIsRefusedAndAudited() throws {
        let daemon = try Self.daemon([Self.probe(scope: ["technique.get"], extra: ", \"call\": \"user.list\"")])
        #expect(try eventually { try Self.logged(daemon, "call user.list: PERMISSION_DENIED") })
        let audit = try daemon.client().call("audit.list", ["action": "plugin.scope_denied"])
        let entry = try #require(audit["items"]?.arrayValue?.first)
        #expect(entry["actor"] == "plugin:probe")
        #expect(entry["changes"]?["method"] == "user.list")
        #expect(try eventually { (try Self.status(daemon)?["status"]?["errors"]?.intValue ?? 0) == 1 })
    }

    @Test func aStoppedPluginsCredentialIsRefused() throws {
        let daemon = try Self.daemon([Self.probe()])
        #expect(try eventually { try Self.status(daemon)?["state"] == "running" })
        let pid = try #require(try Self.status(daemon)?["pid"]?.intValue)
        // What the plugin was given, as anyone who can read its environment sees it.
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        let key = try #require(
            environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                .first { $0.hasPrefix("AEGIS_API_KEY=") }?.dropFirst("AEGIS_API_KEY=".count))
        let stolen = try daemon.client(key: .some(String(key)))
        _ = try stolen.call("plugin.heartbeat")
        // Counters it cannot keep are refused; the beat still counts.
        #expect(code { try stolen.call("plugin.heartbeat", ["status": ["": 1]]) } == "INVALID_ARGUMENT")
        // Nothing of aegisd's own environment but what a program needs.
        let names = environ.split(separator: 0).map { String(decoding: $0.prefix { $0 != 61 }, as: UTF8.self) }
        #expect(Set(names).isSubset(of: PluginSupervisor.passedOn.union(
            ["AEGIS_RPC_ENDPOINT", "AEGIS_EVENTS_ENDPOINT", "AEGIS_API_KEY", "AEGIS_PLUGIN_NAME", "AEGIS_PLUGIN_SETTINGS"])
            .union(names.filter { $0.hasPrefix("LC_") })))
        #expect(code { try stolen.call("technique.list") } == "PERMISSION_DENIED")
        _ = try daemon.client().call("plugin.stop", ["name": "probe"])
        #expect(try eventually { try Self.status(daemon)?["state"] == "stopped" })
        #expect(code { try stolen.call("plugin.heartbeat") } == "UNAUTHENTICATED")
    }

    @Test func stoppingAegisdStopsItsPlugins() throws {
        let daemon = try Self.daemon([Self.probe("one"), Self.probe("two", behaviour: "ignore-term")])
        #expect(try eventually {
            try Self.status(daemon, "one")?["state"] == "running" && Self.status(daemon, "two")?["state"] == "running"
        })
        let pids = try ["one", "two"].map { Int32(try #require(try Self.status(daemon, $0)?["pid"]?.intValue)) }
        daemon.daemon.stop()
        #expect(pids.allSatisfy { !Self.alive($0) })
    }

    @Test func stoppingAegisdWhileASingletonBacksOffEnds() throws {
        var looping = Self.probe(behaviour: "exit")
        looping.singleton = true
        let daemon = try Self.daemon([looping, Self.probe("other", behaviour: "ignore-term")])
        #expect(try eventually(timeout: .seconds(20)) { try !Self.events(daemon, "plugin.crashed").isEmpty })
        #expect(try eventually { try Self.status(daemon, "other")?["state"] == "running" })
        // Stopping waits for "other" to be killed after its grace; meanwhile
        // nothing may start the singleton again.
        let stopped = DispatchSemaphore(value: 0)
        Thread { daemon.daemon.stop(); stopped.signal() }.start()
        #expect(stopped.wait(timeout: .now() + 30) == .success)
    }

    @Test func adminsAloneManagePluginsAndUnknownOnesAreNotFound() throws {
        let daemon = try Self.daemon([Self.probe(behaviour: "silent")])
        #expect(code { try daemon.client().call("plugin.restart", ["name": "nobody"]) } == "NOT_FOUND")
        #expect(code { try daemon.client().call("plugin.logs", ["name": "probe", "lines": 0]) } == "INVALID_ARGUMENT")
        #expect(code { try daemon.client().call("plugin.hello", ["name": "probe", "version": "1"]) } == "PERMISSION_DENIED")
        let team = try Team(daemon: daemon)
        #expect(code { try team["viewer1"].call("plugin.list") } == "PERMISSION_DENIED")
        #expect(code { try team["redlead"].call("plugin.stop", ["name": "probe"]) } == "PERMISSION_DENIED")
    }

    @Test func aScopeNamingNoMethodStopsTheDaemonAtStart() {
        #expect(throws: DaemonError.self) { try Self.daemon([Self.probe(scope: ["nothing.here"])]) }
    }
}
