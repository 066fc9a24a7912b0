import AegisDomain
import Foundation
import TOMLKit

/// A problem with the settings: names the key and, from a config file, the
/// file and line. aegisd does not start with one.
public struct SettingsError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The config file (`--config`, `AEGIS_CONFIG`): TOML holding any setting of
/// ``SettingsCatalog`` by its key, and `[[plugin]]` tables. Unknown keys,
/// wrong types and bad plugin declarations are errors naming the key and
/// its line.
struct ConfigFile {
    let path: String
    /// The settings, by key.
    private(set) var values: [String: any TOMLValueConvertible] = [:]
    private(set) var plugins: [PluginDeclaration] = []
    private let lines: KeyLines

    static let pluginKeys: Set<String> = [
        "name", "command", "args", "env", "restart", "hello_timeout", "heartbeat_timeout", "scope", "singleton",
        "autostart", "settings",
    ]

    init(path: String) throws(SettingsError) {
        self.path = path
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SettingsError("\(path): cannot read the config file")
        }
        lines = KeyLines(text)
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw SettingsError("\(path):\(error.source.begin.line): \(error.description)")
        } catch {
            throw SettingsError("\(path): not TOML")
        }
        for (key, value) in table {
            if key == "plugin" {
                guard let array = value.array else { throw fail("plugin", "must be an array of tables: [[plugin]]") }
                for index in 0..<array.count {
                    guard let entry = array[index].table else { throw fail("plugin", "must be an array of tables: [[plugin]]") }
                    plugins.append(try plugin(entry, index: index))
                }
                continue
            }
            guard SettingsCatalog.entry(key) != nil, key != "config" else {
                throw fail(key, "unknown key (the settings are \(SettingsCatalog.entries.dropFirst().map(\.key).joined(separator: ", ")), and [[plugin]])")
            }
            values[key] = value
        }
        var seen: Set<String> = []
        for (index, declared) in plugins.enumerated() where !seen.insert(declared.name).inserted {
            throw fail("plugin[\(index)].name", "a second plugin named \"\(declared.name)\"")
        }
    }

    /// An error about `key`, with its line when it is found.
    func fail(_ key: String, _ problem: String) -> SettingsError {
        let line = lines.line(of: key).map { ":\($0)" } ?? ""
        return SettingsError("\(path)\(line): \(key): \(problem)")
    }

    // MARK: Plugins

    private func plugin(_ table: TOMLTable, index: Int) throws(SettingsError) -> PluginDeclaration {
        let at = "plugin[\(index)]"
        for key in table.keys where !Self.pluginKeys.contains(key) {
            throw fail("\(at).\(key)", "unknown key (a plugin takes \(Self.pluginKeys.sorted().joined(separator: ", ")))")
        }
        func text(_ key: String) throws(SettingsError) -> String? {
            guard let value = table[key] else { return nil }
            guard let string = value.string else { throw fail("\(at).\(key)", "must be a string") }
            return string
        }
        func strings(_ key: String) throws(SettingsError) -> [String] {
            guard let value = table[key] else { return [] }
            guard let array = value.array else { throw fail("\(at).\(key)", "must be an array of strings") }
            var result: [String] = []
            for i in 0..<array.count {
                guard let string = array[i].string else { throw fail("\(at).\(key)", "must be an array of strings") }
                result.append(string)
            }
            return result
        }
        func flag(_ key: String, _ fallback: Bool) throws(SettingsError) -> Bool {
            guard let value = table[key] else { return fallback }
            guard let bool = value.bool else { throw fail("\(at).\(key)", "must be true or false") }
            return bool
        }
        func seconds(_ key: String, _ fallback: Duration) throws(SettingsError) -> Duration {
            guard let value = table[key] else { return fallback }
            let number = value.int.map(Double.init) ?? value.double
            guard let number, number > 0, number <= 3600 else {
                throw fail("\(at).\(key)", "must be a number of seconds, more than 0 and at most 3600")
            }
            return .milliseconds(Int64((number * 1000).rounded()))
        }

        guard let name = try text("name") else { throw fail(at, "a plugin needs a name") }
        let named = "\(at).name"
        guard PluginDeclaration.isValidName(name) else {
            throw fail(named, "\"\(name)\" is not a plugin name (a-z first, then a-z, 0-9, - or _; at most 32)")
        }
        guard let command = try text("command"), !command.isEmpty else {
            throw fail(table["command"] == nil ? at : "\(at).command", "plugin \"\(name)\" needs a command")
        }
        var restart = PluginDeclaration.Restart.onFailure
        if let policy = try text("restart") {
            guard let parsed = PluginDeclaration.Restart(rawValue: policy) else {
                throw fail("\(at).restart", "must be always, on-failure or never")
            }
            restart = parsed
        }
        let scope = try strings("scope")
        for entry in scope where !PluginScope.isValidEntry(entry) {
            throw fail("\(at).scope", "\"\(entry)\" is neither a method name nor a prefix such as test.*")
        }
        var environment: [String: String] = [:]
        if let env = table["env"] {
            guard let envTable = env.table else { throw fail("\(at).env", "must be a table of strings") }
            for (key, value) in envTable {
                guard let string = value.string else { throw fail("\(at).env.\(key)", "must be a string") }
                guard !key.hasPrefix("AEGIS_") else {
                    throw fail("\(at).env.\(key)", "AEGIS_ variables are set by the supervisor")
                }
                environment[key] = string
            }
        }
        var settingsJSON = "{}"
        if let settings = table["settings"] {
            guard let settingsTable = settings.table else { throw fail("\(at).settings", "must be a table") }
            settingsJSON = settingsTable.convert(to: .json)
        }
        return PluginDeclaration(
            name: name, command: command, args: try strings("args"), environment: environment, restart: restart,
            helloTimeout: try seconds("hello_timeout", .seconds(10)),
            heartbeatTimeout: try seconds("heartbeat_timeout", .seconds(15)), scope: scope,
            singleton: try flag("singleton", false), autostart: try flag("autostart", true), settingsJSON: settingsJSON)
    }
}

/// Where each key of a TOML text is (best effort: `key = ` lines under
/// `[table]` and `[[array]]` headers), for error messages: `workers`,
/// `plugin[1].command`, `plugin[0].settings.url`.
struct KeyLines {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var prefix = ""
        var arrays: [String: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[[") {
                let name = line.dropFirst(2).prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                let index = arrays[name, default: -1] + 1
                arrays[name] = index
                prefix = "\(name)[\(index)]"
                lines[prefix] = offset + 1
            } else if line.hasPrefix("[") {
                let name = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                // `[plugin.settings]` belongs to the last `[[plugin]]`.
                let head = String(name.split(separator: ".").first ?? "")
                prefix = arrays[head].map { "\(head)[\($0)]" + name.dropFirst(head.count) } ?? name
                lines[prefix] = offset + 1
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = line[..<equals].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if lines[path] == nil { lines[path] = offset + 1 }
            }
        }
    }

    func line(of key: String) -> Int? { lines[key] }
}
