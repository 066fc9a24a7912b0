import Foundation

/// Where a local tool finds aegisd and its key: `AEGIS_RPC_ENDPOINT`, else
/// the running daemon's `<data-dir>/aegisd.json`, else the default; the key
/// from `AEGIS_API_KEY`, else `<data-dir>/admin.key` (`AEGIS_DATA_DIR`,
/// default `./var`).
public struct ClientSettings: Sendable {
    public static let defaultEndpoint = "tcp://127.0.0.1:7700"

    public var endpoint: String
    public var eventsEndpoint: String
    public var apiKey: String?

    public init(endpoint: String, eventsEndpoint: String = "tcp://127.0.0.1:7701", apiKey: String?) {
        self.endpoint = endpoint
        self.eventsEndpoint = eventsEndpoint
        self.apiKey = apiKey
    }

    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment, endpoint: String? = nil,
        apiKey: String? = nil
    ) -> ClientSettings {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let dataDir = URL(fileURLWithPath: value("AEGIS_DATA_DIR") ?? "./var")
        var runtime: [String: Any] = [:]
        if let data = try? Data(contentsOf: dataDir.appendingPathComponent("aegisd.json")),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            runtime = object
        }
        let key =
            apiKey ?? value("AEGIS_API_KEY")
            ?? (try? String(contentsOf: dataDir.appendingPathComponent("admin.key"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return ClientSettings(
            endpoint: endpoint ?? value("AEGIS_RPC_ENDPOINT") ?? runtime["rpc"] as? String ?? defaultEndpoint,
            eventsEndpoint: value("AEGIS_EVENTS_ENDPOINT") ?? runtime["events"] as? String ?? "tcp://127.0.0.1:7701",
            apiKey: key)
    }
}
