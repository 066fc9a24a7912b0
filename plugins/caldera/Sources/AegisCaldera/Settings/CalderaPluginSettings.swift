import Foundation

/// The Caldera plugin's `[plugin.settings]` (handed over as JSON): how to
/// reach Caldera (`CalderaSettings`), and what the plugin does there.
///
/// ```toml
/// [plugin.settings]
/// url = "http://127.0.0.1:8888"
/// user = "red"                 # or key = "..."
/// password = "admin"
/// poll_seconds = 30
/// import = "prefix:purple-"    # all | prefix:NAME | group:NAME
/// abilities_every = 10         # re-import abilities every 10 polls
/// assignees = ["usr_..."]      # given to the tests it creates
/// run_tests = false            # push tests red starts to Caldera agents
/// agent_group = "purple"       # the group of the operation it runs them in
/// ```
public struct CalderaPluginSettings: Sendable, Equatable {
    public var caldera: CalderaSettings
    /// Abilities are imported at start and again every this many polls.
    public var abilitiesEvery: Int
    /// User ids the tests it creates are assigned to.
    public var assignees: [String]
    /// Whether tests red starts from a Caldera template, on a Caldera
    /// agent, are run through Caldera.
    public var runTests: Bool

    /// The names read besides `CalderaSettings.Key`'s.
    public enum Key: String, CaseIterable, Sendable {
        case abilitiesEvery = "abilities_every"
        case assignees
        case runTests = "run_tests"
    }

    public init(caldera: CalderaSettings, abilitiesEvery: Int = 10, assignees: [String] = [], runTests: Bool = false) {
        self.caldera = caldera
        self.abilitiesEvery = abilitiesEvery
        self.assignees = assignees
        self.runTests = runTests
    }

    /// Reads the settings from a JSON object. Text settings are strings;
    /// numbers may be numbers or strings. An unknown name, a value of the
    /// wrong type or out of range is `CalderaSettingsError` naming it.
    public init(json: Data) throws(CalderaSettingsError) {
        guard case .object(let object)? = try? JSONDecoder().decode(SettingValue.self, from: json) else {
            throw CalderaSettingsError(setting: "settings", "must be a table (a JSON object)")
        }
        let known = Set(CalderaSettings.Key.allCases.map(\.rawValue) + Key.allCases.map(\.rawValue))
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw CalderaSettingsError(
                setting: String(unknown.prefix(64)),
                "is not a setting (known: \(known.sorted().joined(separator: ", ")))")
        }
        var values: [String: String] = [:]
        let numbers: Set<CalderaSettings.Key> = [.pollSeconds, .timeoutSeconds, .maxResponseBytes]
        for key in CalderaSettings.Key.allCases {
            guard let value = object[key.rawValue] else { continue }
            if numbers.contains(key) {
                guard let text = value.scalarText else {
                    throw CalderaSettingsError(setting: key.rawValue, "must be a number")
                }
                values[key.rawValue] = text
            } else {
                guard case .string(let text) = value else {
                    throw CalderaSettingsError(setting: key.rawValue, "must be a string")
                }
                values[key.rawValue] = text
            }
        }
        let caldera = try CalderaSettings(values: values)

        var every = 10
        if let value = object[Key.abilitiesEvery.rawValue] {
            guard let n = value.scalarText.flatMap({ Int($0) }), (1...100_000).contains(n) else {
                throw CalderaSettingsError(
                    setting: Key.abilitiesEvery.rawValue, "must be a number of polls from 1 to 100000")
            }
            every = n
        }
        var assignees: [String] = []
        if let value = object[Key.assignees.rawValue] {
            guard case .array(let list) = value, list.count <= 50 else {
                throw CalderaSettingsError(setting: Key.assignees.rawValue, "must be a list of at most 50 user ids")
            }
            for item in list {
                guard case .string(let id) = item, !id.isEmpty, id.utf8.count <= 64 else {
                    throw CalderaSettingsError(setting: Key.assignees.rawValue, "must be a list of at most 50 user ids")
                }
                assignees.append(id)
            }
        }
        var runTests = false
        if let value = object[Key.runTests.rawValue] {
            guard case .bool(let flag) = value else {
                throw CalderaSettingsError(setting: Key.runTests.rawValue, "must be true or false")
            }
            runTests = flag
        }
        self.init(caldera: caldera, abilitiesEvery: every, assignees: assignees, runTests: runTests)
    }
}

/// A JSON value of the settings, as written.
enum SettingValue: Decodable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([SettingValue])
    case object([String: SettingValue])
    case null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let flag = try? c.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? c.decode(Double.self) {
            self = .number(number)
        } else if let text = try? c.decode(String.self) {
            self = .string(text)
        } else if let list = try? c.decode([SettingValue].self) {
            self = .array(list)
        } else {
            self = .object(try c.decode([String: SettingValue].self))
        }
    }

    /// A string as it is, a number as text (`30`, `2.5`); nil otherwise.
    var scalarText: String? {
        switch self {
        case .string(let text): text
        case .number(let n): n.rounded() == n && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        default: nil
        }
    }
}
