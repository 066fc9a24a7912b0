import AegisDomain
import AegisTestSupport
import Foundation
import Testing

@testable import AegisServer

@Suite struct SettingsLoaderTests {
    /// Writes `text` as a config file and loads with `flags` and `environment`.
    func load(_ text: String?, flags: [String: String] = [:], environment: [String: String] = [:]) throws
        -> SettingsLoader.Loaded
    {
        let directory = try TemporaryDirectory()
        var flags = flags
        if let text {
            let path = directory.url.appendingPathComponent("aegisd.toml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            flags["config"] = path
        }
        return try SettingsLoader(flags: flags, environment: environment).load()
    }

    func refusal(_ text: String) -> String {
        do {
            _ = try load(text)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test func defaultsWhenNothingIsGiven() throws {
        let loaded = try load(nil)
        #expect(loaded.daemon.workers == SettingDefaults.workers)
        #expect(loaded.daemon.rpcEndpoint == "tcp://127.0.0.1:7700")
        #expect(loaded.daemon.dataDirectory.path.hasSuffix("/var"))
        #expect(loaded.logLevel == "info")
        #expect(loaded.daemon.plugins.isEmpty)
        #expect(loaded.daemon.rulesDirectory == nil)
    }

    @Test func theRulesDirectoryComesFromTheFileTheEnvironmentOrTheFlag() throws {
        #expect(try load("rules_dir = \"/srv/rules\"\n").daemon.rulesDirectory?.path == "/srv/rules")
        let env = try load("rules_dir = \"/srv/rules\"\n", environment: ["AEGIS_RULES_DIR": "/etc/aegis/rules"])
        #expect(env.daemon.rulesDirectory?.path == "/etc/aegis/rules")
        #expect(try load(nil, flags: ["rules_dir": "/opt/rules"]).daemon.rulesDirectory?.path == "/opt/rules")
    }

    @Test func flagsWinOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverDefaults() throws {
        let file = """
            workers = 3
            max_in_flight = 40
            rpc_endpoint = "tcp://127.0.0.1:9000"
            log_level = "debug"
            """
        let loaded = try load(
            file, flags: ["workers": "5"], environment: ["AEGIS_WORKERS": "4", "AEGIS_MAX_IN_FLIGHT": "30"])
        #expect(loaded.daemon.workers == 5)
        #expect(loaded.daemon.maxInFlightPerCaller == 30)
        #expect(loaded.daemon.rpcEndpoint == "tcp://127.0.0.1:9000")
        #expect(loaded.logLevel == "debug")
        #expect(loaded.daemon.maxUploads == SettingDefaults.maxUploads)
    }

    @Test func theConfigFileMayComeFromTheEnvironment() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("x.toml").path
        try "workers = 2\n".write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try SettingsLoader(flags: [:], environment: ["AEGIS_CONFIG": path]).load()
        #expect(loaded.daemon.workers == 2)
        #expect(loaded.configPath == path)
    }

    @Test func badValuesNameTheirKeyAndLineOrTheirSource() throws {
        #expect(refusal("# settings\n\nworkerz = 3\n").hasSuffix("aegisd.toml:3: workerz: unknown key (the settings are data_dir, rpc_endpoint, events_endpoint, database_url, attack_data, rules_dir, workers, max_frame_bytes, log_level, instance_id, max_in_flight, max_unread_bytes, max_unread_bytes_total, max_pending_request_bytes, max_uploads, max_uploads_per_principal, telemetry_retention_days, telemetry_max_bytes, and [[plugin]])"))
        #expect(refusal("workers = \"eight\"\n").hasSuffix("aegisd.toml:1: workers: must be a whole number from 1 to 256"))
        #expect(refusal("\nworkers = 0\n").hasSuffix("aegisd.toml:2: workers: must be a whole number from 1 to 256"))
        #expect(refusal("rpc_endpoint = 7700\n").hasSuffix("aegisd.toml:1: rpc_endpoint: must be a string"))
        #expect(refusal("log_level = \"loud\"\n").contains("log_level: must be one of"))
        #expect(refusal("workers = \n").contains("aegisd.toml:1:"))  // not TOML
        #expect(throws: SettingsError("--workers: must be a whole number from 1 to 256")) {
            try load(nil, flags: ["workers": "many"])
        }
        #expect(throws: SettingsError("AEGIS_MAX_UPLOADS: must be a whole number from 1 to 10000")) {
            try load(nil, environment: ["AEGIS_MAX_UPLOADS": "0"])
        }
        #expect(throws: SettingsError("/nowhere/aegisd.toml: cannot read the config file")) {
            try load(nil, flags: ["config": "/nowhere/aegisd.toml"])
        }
    }

    @Test func pluginsAreDeclaredWithTheirScopeAndSettings() throws {
        let loaded = try load(
            """
            [[plugin]]
            name = "d3fend"
            command = "aegis-d3fend"
            args = ["--once"]
            restart = "always"
            heartbeat_timeout = 5
            hello_timeout = 2.5
            scope = ["countermeasure.sync", "technique.*"]
            singleton = true
            env = { D3FEND_DEBUG = "1" }

            [plugin.settings]
            data = "plugins/d3fend/data"
            refresh_hours = 24

            [[plugin]]
            name = "caldera"
            command = "aegis-caldera"
            autostart = false
            """)
        let plugins = loaded.daemon.plugins
        #expect(plugins.map(\.name) == ["d3fend", "caldera"])
        let d3fend = try #require(plugins.first)
        #expect(d3fend.args == ["--once"])
        #expect(d3fend.restart == .always)
        #expect(d3fend.heartbeatTimeout == .seconds(5))
        #expect(d3fend.helloTimeout == .milliseconds(2500))
        #expect(d3fend.allows("technique.get") && d3fend.allows("countermeasure.sync"))
        #expect(!d3fend.allows("countermeasure.list") && !d3fend.allows("user.create"))
        #expect(d3fend.singleton && d3fend.autostart)
        #expect(d3fend.environment == ["D3FEND_DEBUG": "1"])
        let settings = try JSONSerialization.jsonObject(with: Data(d3fend.settingsJSON.utf8)) as? [String: Any]
        #expect(settings?["data"] as? String == "plugins/d3fend/data")
        #expect(settings?["refresh_hours"] as? Int == 24)
        let caldera = try #require(plugins.last)
        #expect(caldera.restart == .onFailure && !caldera.autostart && caldera.scope.isEmpty)
    }

    @Test func badPluginDeclarationsNameTheirKeyAndLine() {
        #expect(refusal("[[plugin]]\nname = \"a\"\ncommand = \"x\"\n\n[[plugin]]\nname = \"a\"\ncommand = \"y\"\n")
            .hasSuffix("aegisd.toml:6: plugin[1].name: a second plugin named \"a\""))
        #expect(refusal("[[plugin]]\nname = \"a\"\n").hasSuffix("aegisd.toml:1: plugin[0]: plugin \"a\" needs a command"))
        #expect(refusal("[[plugin]]\nname = \"a\"\ncomand = \"x\"\n").contains("aegisd.toml:3: plugin[0].comand: unknown key"))
        #expect(refusal("[[plugin]]\nname = \"Caldera!\"\ncommand = \"x\"\n").contains("aegisd.toml:2: plugin[0].name:"))
        #expect(refusal("[[plugin]]\nname = \"a\"\ncommand = \"x\"\nrestart = \"sometimes\"\n")
            .hasSuffix("aegisd.toml:4: plugin[0].restart: must be always, on-failure or never"))
        #expect(refusal("[[plugin]]\nname = \"a\"\ncommand = \"x\"\nscope = [\"user.create\", \"drop table\"]\n")
            .contains("aegisd.toml:4: plugin[0].scope: \"drop table\""))
        #expect(refusal("[[plugin]]\nname = \"a\"\ncommand = \"x\"\nheartbeat_timeout = -1\n").contains("plugin[0].heartbeat_timeout"))
        #expect(refusal("[[plugin]]\nname = \"a\"\ncommand = \"x\"\nenv = { AEGIS_API_KEY = \"stolen\" }\n")
            .contains("AEGIS_ variables are set by the supervisor"))
        #expect(refusal("plugin = 3\n").contains("plugin: must be an array of tables"))
    }
}
