import Foundation

/// Where a local tool finds aegisd and its key: `AEGIS_RPC_ENDPOINT`, else
/// the running daemon's `<data-dir>/aegisd.json`, else the default; the key
/// from `AEGIS_API_KEY`, else the session `aegisctl login` stored for that
/// endpoint (while it has not expired), else `<data-dir>/admin.key`
/// (`AEGIS_DATA_DIR`, default `./var`).
public struct ClientSettings: Sendable {
    public static let defaultEndpoint = "tcp://127.0.0.1:7700"

    /// Where the key came from.
    public enum CredentialSource: Sendable, Equatable {
        /// Passed to `resolve` by the caller.
        case given
        /// `AEGIS_API_KEY`.
        case environment
        /// A session stored by `aegisctl login`.
        case session(URL, username: String)
        /// `<data-dir>/admin.key`.
        case keyFile(URL)
    }

    public var endpoint: String
    public var eventsEndpoint: String
    public var apiKey: String?
    public var credentialSource: CredentialSource?

    public init(
        endpoint: String, eventsEndpoint: String = "tcp://127.0.0.1:7701", apiKey: String?,
        credentialSource: CredentialSource? = nil
    ) {
        self.endpoint = endpoint
        self.eventsEndpoint = eventsEndpoint
        self.apiKey = apiKey
        self.credentialSource = credentialSource
    }

    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment, endpoint: String? = nil,
        apiKey: String? = nil, now: Date = Date()
    ) -> ClientSettings {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let dataDir = URL(fileURLWithPath: value("AEGIS_DATA_DIR") ?? "./var")
        var runtime: [String: Any] = [:]
        if let data = try? Data(contentsOf: dataDir.appendingPathComponent("aegisd.json")),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            runtime = object
        }
        let resolvedEndpoint = endpoint ?? value("AEGIS_RPC_ENDPOINT") ?? runtime["rpc"] as? String ?? defaultEndpoint
        var key: String?
        var source: CredentialSource?
        if let apiKey {
            (key, source) = (apiKey, .given)
        } else if let fromEnvironment = value("AEGIS_API_KEY") {
            (key, source) = (fromEnvironment, .environment)
        } else if let url = StoredSession.fileURL(environment: environment),
            let session = StoredSession.load(from: url),
            session.isUsable(for: resolvedEndpoint, at: now)
        {
            (key, source) = (session.token, .session(url, username: session.username))
        } else {
            let url = dataDir.appendingPathComponent("admin.key")
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                (key, source) = (text.trimmingCharacters(in: .whitespacesAndNewlines), .keyFile(url))
            }
        }
        return ClientSettings(
            endpoint: resolvedEndpoint,
            eventsEndpoint: value("AEGIS_EVENTS_ENDPOINT") ?? runtime["events"] as? String ?? "tcp://127.0.0.1:7701",
            apiKey: key, credentialSource: source)
    }
}

/// A user's session as `aegisctl login` stores it: JSON
/// `{"endpoint", "token", "expires_at", "username"}` in
/// `$XDG_CONFIG_HOME/aegis/session` (default `~/.config/aegis/session`),
/// mode 0600 in a 0700 folder. One session at a time, for one endpoint.
public struct StoredSession: Sendable, Equatable {
    public var endpoint: String
    public var token: String
    public var expiresAt: Date
    public var username: String

    public init(endpoint: String, token: String, expiresAt: Date, username: String) {
        self.endpoint = endpoint
        self.token = token
        self.expiresAt = expiresAt
        self.username = username
    }

    /// The session file's place: `$XDG_CONFIG_HOME/aegis/session` when that
    /// is an absolute path (as the XDG spec asks), else
    /// `$HOME/.config/aegis/session`; nil without either.
    public static func fileURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("aegis/session")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return URL(fileURLWithPath: home).appendingPathComponent(".config/aegis/session")
        }
        return nil
    }

    /// The stored session, or nil when there is none or it cannot be read.
    public static func load(from url: URL) -> StoredSession? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return decode(data)
    }

    /// Whether it may be used to call `endpoint` at `now`.
    public func isUsable(for endpoint: String, at now: Date) -> Bool {
        self.endpoint == endpoint && expiresAt > now && !token.isEmpty
    }

    public static func decode(_ data: Data) -> StoredSession? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let endpoint = object["endpoint"] as? String, let token = object["token"] as? String,
            let expires = (object["expires_at"] as? String).flatMap(parseTime),
            let username = object["username"] as? String
        else { return nil }
        return StoredSession(endpoint: endpoint, token: token, expiresAt: expires, username: username)
    }

    public func encoded() -> Data {
        let object: [String: Any] = [
            "endpoint": endpoint, "token": token, "username": username,
            "expires_at": ISO8601DateFormatter.string(
                from: expiresAt, timeZone: TimeZone(identifier: "UTC") ?? .current,
                formatOptions: [.withInternetDateTime, .withFractionalSeconds]),
        ]
        let data =
            (try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return data + Data("\n".utf8)
    }

    private static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
