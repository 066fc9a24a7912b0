import AegisClient
import AegisTestSupport
import Foundation
import Testing

/// Plugins under an aegisd process: `aegisctl plugin ...`, and what happens
/// to them when aegisd is killed.
@Suite(.serialized) struct PluginCtlTests {
    static func config(in directory: TemporaryDirectory, behaviour: String = "normal") throws -> String {
        let path = directory.url.appendingPathComponent("aegisd.toml").path
        try """
            [[plugin]]
            name = "probe"
            command = "\(Binaries.url("aegis-probe").path)"
            scope = ["technique.get"]

            [plugin.settings]
            behaviour = "\(behaviour)"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func eventually(_ timeout: Duration = .seconds(20), _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }

    @Test func anAdminWatchesAndSteersAPluginFromAegisctl() throws {
        let directory = try TemporaryDirectory()
        let daemon = try DaemonProcess(extraArguments: ["--config", try Self.config(in: directory)])
        let env = daemon.clientEnvironment
        #expect(try Self.eventually { try aegisctl(["plugin", "list"], environment: env).stdout.contains("running") })
        let list = try aegisctl(["plugin", "list"], environment: env)
        #expect(list.stdout.contains("probe") && list.stdout.contains("0.0.1"))
        #expect(try Self.eventually { try aegisctl(["plugin", "logs", "probe"], environment: env).stdout.contains("hello answered") })

        let restarted = try aegisctl(["plugin", "restart", "probe"], environment: env)
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(restarted.stdout.contains("plugin probe restarting"))
        #expect(try Self.eventually {
            let json = try aegisctl(["plugin", "list", "--json"], environment: env).stdout
            return json.contains("\"restarts\" : 1") && json.contains("\"running\"")
        })
        let stopped = try aegisctl(["plugin", "stop", "probe"], environment: env)
        #expect(stopped.stdout.contains("plugin probe stopping"))
        #expect(try Self.eventually { try aegisctl(["plugin", "list"], environment: env).stdout.contains("stopped") })
        let missing = try aegisctl(["plugin", "start", "nobody"], environment: env)
        #expect(missing.status == 2 && missing.stderr.contains("NOT_FOUND"))
    }

    @Test func pluginsExitWhenAegisdIsKilled() throws {
        let directory = try TemporaryDirectory()
        let daemon = try DaemonProcess(extraArguments: ["--config", try Self.config(in: directory)])
        let key = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let client = try AegisClient(endpoint: daemon.rpc, apiKey: key)
        var pid: Int64?
        #expect(try Self.eventually {
            let plugin = try client.call("plugin.list")["items"]?.arrayValue?.first
            pid = plugin?["state"] == "running" ? plugin?["pid"]?.intValue : nil
            return pid != nil
        })
        let child = Int32(try #require(pid))
        daemon.crash()
        // Its stdin reached end-of-file: it stops (and is gone; init reaps it).
        #expect(Self.eventually { kill(child, 0) != 0 && errno == ESRCH })
    }
}
