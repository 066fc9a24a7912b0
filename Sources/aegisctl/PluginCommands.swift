import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl plugin list|start|stop|restart|logs` (admins).
struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "The plugins aegisd supervises (admins).",
        subcommands: [PluginList.self, PluginStart.self, PluginStop.self, PluginRestart.self, PluginLogs.self])
}

let pluginColumns: [(title: String, key: String, max: Int)] = [
    ("NAME", "name", 24), ("STATE", "state", 12), ("PID", "pid", 8), ("RESTARTS", "restarts", 8),
    ("VERSION", "version", 12), ("LAST HEARTBEAT", "last_heartbeat", 20), ("LAST EXIT", "last_exit", 16),
]

struct PluginList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Each plugin's state.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let items = try options.client().call("plugin.list")["items"]?.arrayValue ?? []
            if options.json { return Output.json(.array(items)) }
            Output.table(items, pluginColumns)
        }
    }
}

/// start, stop and restart: the same shape.
private func pluginCommand(_ options: GlobalOptions, _ method: String, _ name: String, _ done: String) throws {
    try reportingFailures {
        let result = try options.client().call(method, ["name": .string(name)])
        if options.json { return Output.json(result) }
        print("plugin \(name) \(done) (now \(Output.text(result["state"])))")
    }
}

struct PluginStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a stopped or failed plugin.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The plugin's name.") var name: String
    func run() throws { try pluginCommand(options, "plugin.start", name, "started") }
}

struct PluginStop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a plugin (SIGTERM, then SIGKILL after the grace); it stays stopped.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The plugin's name.") var name: String
    func run() throws { try pluginCommand(options, "plugin.stop", name, "stopping") }
}

struct PluginRestart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Stop a plugin and start it again.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The plugin's name.") var name: String
    func run() throws { try pluginCommand(options, "plugin.restart", name, "restarting") }
}

struct PluginLogs: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "The last lines a plugin wrote.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The plugin's name.") var name: String
    @Option(name: .long, help: "How many lines (1 to 1000).") var lines = 100

    func run() throws {
        try reportingFailures {
            let items = try options.client().call("plugin.logs", ["name": .string(name), "lines": .int(Int64(lines))])["items"]?
                .arrayValue ?? []
            if options.json { return Output.json(.array(items)) }
            for line in items {
                let at = line["at"]?.dateValue.map(Output.timestamp) ?? ""
                print("\(at) \(Output.text(line["stream"])) \(Output.text(line["text"]))")
            }
        }
    }
}
