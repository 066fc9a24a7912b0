import Foundation

/// What the Caldera plugin needs to know: where Caldera is, how to sign in,
/// how often to look, and which operations to import.
public struct CalderaSettings: Sendable, Equatable {
    /// How to authenticate.
    public enum Credentials: Sendable, Equatable {
        /// The `KEY` header on every request (each one costs Caldera an
        /// argon2id check when its keys are hashed).
        case key(String)
        /// `POST /enter` once for an `API_SESSION` cookie, again after a 401.
        case login(user: String, password: String)
    }

    /// Which operations' links become Aegis tests.
    public enum OperationFilter: Sendable, Equatable {
        case all
        /// Operations whose name starts with this (case-sensitive).
        case namePrefix(String)
        /// Operations run against this agent group.
        case group(String)

        public func matches(_ operation: CalderaOperation) -> Bool {
            switch self {
            case .all: true
            case .namePrefix(let prefix): operation.name.hasPrefix(prefix)
            case .group(let group): operation.group == group
            }
        }
    }

    /// Caldera's base URL, `http(s)://host:port` (no path).
    public var url: URL
    public var credentials: Credentials
    /// Seconds between two looks at Caldera's operations.
    public var pollInterval: Double
    /// The agent group commands Aegis pushes run on; nil for none chosen.
    public var agentGroup: String?
    public var operations: OperationFilter
    /// Seconds a request may take, connection included.
    public var requestTimeout: Double
    /// The largest response body read, in bytes.
    public var maxResponseBytes: Int

    public init(
        url: URL, credentials: Credentials, pollInterval: Double = 30, agentGroup: String? = nil,
        operations: OperationFilter = .all, requestTimeout: Double = 15, maxResponseBytes: Int = 32 << 20
    ) {
        self.url = url
        self.credentials = credentials
        self.pollInterval = pollInterval
        self.agentGroup = agentGroup
        self.operations = operations
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// The setting names `init(values:)` reads, as in a config section or
    /// the environment (`AEGIS_CALDERA_` + the upper-cased name).
    public enum Key: String, CaseIterable, Sendable {
        case url, key, user, password
        case pollSeconds = "poll_seconds"
        case agentGroup = "agent_group"
        case importOperations = "import"
        case timeoutSeconds = "timeout_seconds"
        case maxResponseBytes = "max_response_bytes"

        public var environmentName: String { "AEGIS_CALDERA_" + rawValue.uppercased() }
    }

    /// Reads settings from names to values (`url`, `key` or `user` +
    /// `password`, `poll_seconds`, `agent_group`, `import` = `all` |
    /// `prefix:NAME` | `group:NAME`, `timeout_seconds`,
    /// `max_response_bytes`). Unknown names are ignored; a bad value is
    /// `CalderaSettingsError` naming it.
    public init(values: [String: String]) throws(CalderaSettingsError) {
        func value(_ key: Key) -> String? {
            guard let raw = values[key.rawValue]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else {
                return nil
            }
            return raw
        }
        guard let rawURL = value(.url) else { throw CalderaSettingsError(.url, "is required") }
        guard let url = URL(string: rawURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host?.isEmpty == false, url.path.isEmpty || url.path == "/", url.query == nil
        else { throw CalderaSettingsError(.url, "must be http(s)://host[:port], without a path") }

        let credentials: Credentials
        switch (value(.key), value(.user), value(.password)) {
        case (let key?, nil, nil): credentials = .key(key)
        case (nil, let user?, let password?): credentials = .login(user: user, password: password)
        case (_?, _, _): throw CalderaSettingsError(.key, "give either key, or user and password, not both")
        case (nil, _?, nil): throw CalderaSettingsError(.password, "is required with user")
        case (nil, nil, _?): throw CalderaSettingsError(.user, "is required with password")
        case (nil, nil, nil): throw CalderaSettingsError(.key, "give key, or user and password")
        }
        for (key, text) in [(Key.key, value(.key)), (.user, value(.user)), (.password, value(.password))] {
            guard let text else { continue }
            guard text.utf8.count <= 1024, !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
                throw CalderaSettingsError(key, "must be at most 1024 bytes without control characters")
            }
        }

        func seconds(_ key: Key, default fallback: Double, range: ClosedRange<Double>) throws(CalderaSettingsError)
            -> Double
        {
            guard let text = value(key) else { return fallback }
            guard let number = Double(text), number.isFinite, range.contains(number) else {
                throw CalderaSettingsError(
                    key, "must be a number of seconds from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }

        let operations: OperationFilter
        switch value(.importOperations) {
        case nil, "all": operations = .all
        case let text? where text.hasPrefix("prefix:") && text.count > 7:
            operations = .namePrefix(String(text.dropFirst(7)))
        case let text? where text.hasPrefix("group:") && text.count > 6: operations = .group(String(text.dropFirst(6)))
        default: throw CalderaSettingsError(.importOperations, "must be all, prefix:NAME or group:NAME")
        }

        var maxBytes = 32 << 20
        if let text = value(.maxResponseBytes) {
            guard let n = Int(text), (1024...(1 << 30)).contains(n) else {
                throw CalderaSettingsError(.maxResponseBytes, "must be a number of bytes from 1024 to 1073741824")
            }
            maxBytes = n
        }
        if let group = value(.agentGroup), group.utf8.count > 255 {
            throw CalderaSettingsError(.agentGroup, "must be at most 255 bytes")
        }
        self.init(
            url: url, credentials: credentials,
            pollInterval: try seconds(.pollSeconds, default: 30, range: 1...86_400), agentGroup: value(.agentGroup),
            operations: operations, requestTimeout: try seconds(.timeoutSeconds, default: 15, range: 0.1...600),
            maxResponseBytes: maxBytes)
    }

    /// Reads the settings from `AEGIS_CALDERA_*` variables.
    public init(environment: [String: String]) throws(CalderaSettingsError) {
        var values: [String: String] = [:]
        for key in Key.allCases { values[key.rawValue] = environment[key.environmentName] }
        try self.init(values: values)
    }
}

/// A setting that cannot be used: which one and why.
public struct CalderaSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The setting's name as written (`url`, `poll_seconds`...).
    public var setting: String
    public var message: String

    public init(_ key: CalderaSettings.Key, _ message: String) {
        self.init(setting: key.rawValue, message)
    }

    public init(setting: String, _ message: String) {
        self.setting = setting
        self.message = message
    }

    /// The setting, when it is one `CalderaSettings` reads.
    public var key: CalderaSettings.Key? { CalderaSettings.Key(rawValue: setting) }

    public var description: String { "Caldera setting \(setting): \(message)" }
}
