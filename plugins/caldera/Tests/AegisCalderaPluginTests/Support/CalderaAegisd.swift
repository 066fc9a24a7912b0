import AegisClient
import AegisTestSupport
import AegisWire
import Foundation

/// aegisd as a child process with ATT&CK Enterprise in its catalog and the
/// Caldera plugin declared as plugins/caldera/README.md declares it (its
/// `[[plugin]]` table as written there, with the built `aegis-caldera` and
/// the test's settings), so the plugin runs as aegisd's child.
final class CalderaAegisd {
    let directory: TemporaryDirectory
    let settings: String
    private(set) var process = Process()
    private(set) var admin: AegisClient
    private let log = LockedText()

    var dataDirectory: URL { directory.url.appendingPathComponent("data") }
    var configFile: URL { directory.url.appendingPathComponent("aegisd.toml") }

    /// `settings`: the lines of `[plugin.settings]`, in TOML.
    init(settings: String, reusing: TemporaryDirectory? = nil) throws {
        directory = try reusing ?? TemporaryDirectory()
        self.settings = settings
        try Self.declaration(settings: settings).write(
            to: directory.url.appendingPathComponent("aegisd.toml"), atomically: true, encoding: .utf8)
        (process, admin) = try Self.launch(directory: directory, log: log)
    }

    deinit { terminate() }

    /// Settings for the plugin against `url` with the stand-in's key,
    /// importing the recorded operation's links.
    static func settings(
        url: URL, key: String = "ADMIN123", importing: String = "group:aegis-rec", extra: String = ""
    ) -> String {
        """
        url = "\(url.absoluteString)"
        key = "\(key)"
        poll_seconds = 1
        import = "\(importing)"
        timeout_seconds = 20
        \(extra)
        """
    }

    /// The README's `[[plugin]]` table, with the built executable, and `settings`.
    static func declaration(settings: String) throws -> String {
        let readme = try String(
            contentsOf: TestData.repository.appendingPathComponent("plugins/caldera/README.md"), encoding: .utf8)
        guard let start = readme.range(of: "```toml\n"),
            let end = readme.range(of: "\n```", range: start.upperBound..<readme.endIndex)
        else { throw HarnessError("no toml block in plugins/caldera/README.md") }
        let block = readme[start.upperBound..<end.lowerBound]
        guard let settingsStart = block.range(of: "[plugin.settings]") else {
            throw HarnessError("no [plugin.settings] in the README's block")
        }
        let command = TestData.executable("aegis-caldera").path
        let plugin = block[..<settingsStart.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasPrefix("command = ") ? "command = \"\(command)\"" : String($0)
        }
        return plugin.joined(separator: "\n") + "[plugin.settings]\n" + settings + "\n"
    }

    private static func launch(directory: TemporaryDirectory, log: LockedText) throws -> (Process, AegisClient) {
        let data = directory.url.appendingPathComponent("data")
        try? FileManager.default.removeItem(at: data.appendingPathComponent("aegisd.json"))
        let process = Process()
        process.executableURL = TestData.executable("aegisd")
        process.arguments = [
            "--config", directory.url.appendingPathComponent("aegisd.toml").path, "--data-dir", data.path,
            "--rpc", "tcp://127.0.0.1:*", "--events", "tcp://127.0.0.1:*", "--attack-data", TestData.attackLookup.path,
        ]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AEGIS_") }
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { log.append($0.availableData) }
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, process.isRunning {
            if let json = try? Data(contentsOf: data.appendingPathComponent("aegisd.json")),
                let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
                let rpc = object["rpc"] as? String,
                let key = try? String(contentsOf: data.appendingPathComponent("admin.key"), encoding: .utf8)
            {
                let admin = try AegisClient(endpoint: rpc, apiKey: key.trimmingCharacters(in: .whitespacesAndNewlines))
                admin.timeout = .seconds(60)
                return (process, admin)
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw HarnessError("aegisd did not start: \(log.text.suffix(2000))")
    }

    /// Starts aegisd again on the same data directory and config.
    func restart() throws {
        terminate()
        (process, admin) = try Self.launch(directory: directory, log: log)
    }

    /// Kills aegisd with SIGKILL: no shutdown of any kind.
    func crash() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// aegisd's log, the plugin's lines included.
    var logText: String { log.text }

    // MARK: What the tests read

    /// The plugin as `plugin.list` shows it.
    func plugin() throws -> MessagePackValue? {
        try admin.call("plugin.list")["items"]?.arrayValue?.first { $0["name"] == "caldera" }
    }

    /// A counter of the plugin's last heartbeat (0 when absent).
    func counter(_ name: String) throws -> Int64 { try plugin()?["status"]?[name]?.intValue ?? 0 }

    /// The plugin's last lines (`plugin.logs`).
    func pluginLines() throws -> [String] {
        let items = try admin.call("plugin.logs", ["name": "caldera", "lines": 1000])["items"]?.arrayValue ?? []
        return items.compactMap { $0["text"]?.stringValue }
    }

    func logged(_ text: String) throws -> Bool { try pluginLines().contains { $0.contains(text) } }

    /// Every test, oldest change first.
    func tests() throws -> [MessagePackValue] {
        var all: [MessagePackValue] = []
        var cursor: MessagePackValue = .nil
        repeat {
            var params: MessagePackMap = ["limit": 1000]
            if cursor != .nil { params.append(key: "cursor", value: cursor) }
            let page = try admin.call("test.list", params)
            all += page["items"]?.arrayValue ?? []
            cursor = page["next_cursor"] ?? .nil
        } while cursor != .nil
        return all
    }

    /// The evidence of a test.
    func evidence(_ testID: String) throws -> [MessagePackValue] {
        try admin.call("evidence.list", ["test_id": .string(testID), "limit": 1000])["items"]?.arrayValue ?? []
    }

    /// The events of `type` so far.
    func events(_ type: String) throws -> [MessagePackValue] {
        var found: [MessagePackValue] = []
        var after: Int64 = 0
        while true {
            let items =
                try admin.call("events.replay", ["after_seq": .int(after), "limit": 1000])["items"]?.arrayValue ?? []
            found += items.filter { $0["type"] == .string(type) }
            guard items.count == 1000, let last = items.last?["seq"]?.intValue else { return found }
            after = last
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) { lock.withLock { data.append(more) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

/// Waits until `condition` holds, polling, or gives up after `timeout`.
func eventually(_ timeout: Duration = .seconds(30), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return try condition()
}
