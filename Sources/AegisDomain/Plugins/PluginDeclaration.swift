import Foundation

/// A plugin as the config file declares it (`[[plugin]]`): what to run, how
/// to restart it, what it may call, and the settings passed through to it.
public struct PluginDeclaration: Sendable, Equatable {
    /// When an exited plugin is started again.
    public enum Restart: String, Sendable, CaseIterable {
        /// Whatever the exit.
        case always
        /// Unless it exited with status 0.
        case onFailure = "on-failure"
        /// Never: an exit leaves it stopped.
        case never
    }

    /// `[a-z][a-z0-9_-]*`, at most 32 characters; its principal is `plugin:NAME`.
    public var name: String
    /// The executable: a path, or a name looked up in `PATH`.
    public var command: String
    public var args: [String]
    /// Added to the plugin's environment (after aegisd's own, before the
    /// `AEGIS_*` variables the supervisor sets).
    public var environment: [String: String]
    public var restart: Restart
    /// How long after its start the plugin has to call `plugin.hello`.
    public var helloTimeout: Duration
    /// How long without `plugin.heartbeat` before it is restarted.
    public var heartbeatTimeout: Duration
    /// The methods it may call: names (`template.import`) or prefixes
    /// (`test.*`). Nothing else is callable, whatever roles it has.
    public var scope: [String]
    /// Runs only on the deployment's leader, and moves when the lead moves.
    public var singleton: Bool
    /// Started with aegisd (else only by `plugin.start`).
    public var autostart: Bool
    /// Plugin-specific settings, handed over as JSON in `AEGIS_PLUGIN_SETTINGS`.
    public var settingsJSON: String

    public init(
        name: String, command: String, args: [String] = [], environment: [String: String] = [:],
        restart: Restart = .onFailure, helloTimeout: Duration = .seconds(10), heartbeatTimeout: Duration = .seconds(15),
        scope: [String] = [], singleton: Bool = false, autostart: Bool = true, settingsJSON: String = "{}"
    ) {
        self.name = name
        self.command = command
        self.args = args
        self.environment = environment
        self.restart = restart
        self.helloTimeout = helloTimeout
        self.heartbeatTimeout = heartbeatTimeout
        self.scope = scope
        self.singleton = singleton
        self.autostart = autostart
        self.settingsJSON = settingsJSON
    }

    /// Whether `name` is a valid plugin name.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (1...32).contains(bytes.count), (0x61...0x7a).contains(first) else { return false }
        return bytes.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d || $0 == 0x5f }
    }

    /// Whether the scope lets the plugin call `method`.
    public func allows(_ method: String) -> Bool { PluginScope.allows(scope, method) }
}

/// A plugin's scope: method names and `noun.*` prefixes.
public enum PluginScope {
    /// Whether `entries` let a plugin call `method`.
    public static func allows(_ entries: [String], _ method: String) -> Bool {
        entries.contains { entry in
            if entry.hasSuffix(".*") { return method.hasPrefix(entry.dropLast()) }
            return entry == method
        }
    }

    /// Whether `entry` is well formed: `noun.verb` or a prefix ending in `.*`.
    public static func isValidEntry(_ entry: String) -> Bool {
        let body = entry.hasSuffix(".*") ? String(entry.dropLast(2)) : entry
        guard !body.isEmpty, body.utf8.count <= 64 else { return false }
        let segments = body.split(separator: ".", omittingEmptySubsequences: false)
        guard entry.hasSuffix(".*") || segments.count >= 2 else { return false }
        return segments.allSatisfy { segment in
            guard let first = segment.utf8.first, (0x61...0x7a).contains(first) else { return false }
            return segment.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f }
        }
    }
}
