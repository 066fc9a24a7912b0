import Foundation

/// The credentials of the plugin processes running now: each start gets a
/// fresh one, hashed like an API key and known only while its process
/// runs (a plugin's credential is useless once its process has stopped).
public protocol PluginCredentials: Sendable {
    /// The plugin principal whose credential hashes to `hash`, if one is live.
    func principal(forHash hash: String) -> Principal?
}

/// No plugins: nothing to find.
public struct NoPluginCredentials: PluginCredentials {
    public init() {}
    public func principal(forHash hash: String) -> Principal? { nil }
}
