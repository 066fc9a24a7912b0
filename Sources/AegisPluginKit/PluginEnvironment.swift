import Foundation

/// What aegisd's supervisor hands a plugin in its environment.
public struct PluginEnvironment: Sendable {
    /// `AEGIS_PLUGIN_NAME`.
    public var name: String
    /// `AEGIS_RPC_ENDPOINT` and `AEGIS_EVENTS_ENDPOINT`.
    public var rpcEndpoint: String
    public var eventsEndpoint: String
    /// `AEGIS_API_KEY`: this run's scoped credential.
    public var apiKey: String
    /// `AEGIS_PLUGIN_SETTINGS`: the `[plugin.settings]` table, as JSON.
    public var settingsJSON: Data

    public struct Missing: Error, CustomStringConvertible {
        public var variable: String
        public var description: String { "\(variable) is not set: run this plugin from aegisd's config file" }
    }

    /// Reads it from `environment` (the process's by default).
    public init(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func required(_ variable: String) throws -> String {
            guard let value = environment[variable], !value.isEmpty else { throw Missing(variable: variable) }
            return value
        }
        name = try required("AEGIS_PLUGIN_NAME")
        rpcEndpoint = try required("AEGIS_RPC_ENDPOINT")
        eventsEndpoint = try required("AEGIS_EVENTS_ENDPOINT")
        apiKey = try required("AEGIS_API_KEY")
        settingsJSON = Data((environment["AEGIS_PLUGIN_SETTINGS"] ?? "{}").utf8)
    }

    /// The plugin's settings decoded as `T` (from JSON; keys as written in
    /// the config file).
    public func settings<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: settingsJSON)
    }
}
