import Foundation

/// The responses recorded from a real Caldera 5.3 by `tools/record.py`
/// (plugins/caldera/Tests/recordings): one file per exchange.
public struct Recordings {
    public struct Exchange: Sendable {
        public var file: String
        public var method: String
        /// Path and query, as sent.
        public var path: String
        /// `key`, `cookie`, `bad-key`, `stale-cookie` or `none`.
        public var auth: String
        public var status: Int
        public var headers: [String: String]
        public var body: Data

        /// The body as JSON.
        public func json() throws -> Any { try JSONSerialization.jsonObject(with: body) }
    }

    /// `plugins/caldera/Tests/recordings` (this file is in `Tests/CalderaTestSupport`).
    public static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("recordings")

    public let exchanges: [Exchange]
    /// The id of the operation whose links were recorded.
    public let operationID: String

    public init(folder: URL = Recordings.folder) throws {
        let index = try Self.object(Data(contentsOf: folder.appendingPathComponent("index.json")))
        operationID = index["operation_id"] as? String ?? ""
        exchanges = try (index["exchanges"] as? [[String: Any]] ?? []).map { entry in
            let file = entry["file"] as? String ?? ""
            let recorded = try Self.object(Data(contentsOf: folder.appendingPathComponent(file)))
            let request = recorded["request"] as? [String: Any] ?? [:]
            let response = recorded["response"] as? [String: Any] ?? [:]
            return Exchange(
                file: file, method: request["method"] as? String ?? "", path: request["path"] as? String ?? "",
                auth: request["auth"] as? String ?? "", status: response["status"] as? Int ?? 0,
                headers: response["headers"] as? [String: String] ?? [:],
                body: Data((response["body"] as? String ?? "").utf8))
        }
    }

    /// The exchange saved as `name.json`.
    public func named(_ name: String) throws -> Exchange {
        guard let exchange = exchanges.first(where: { $0.file == "\(name).json" }) else {
            throw RecordingMissing(name: name)
        }
        return exchange
    }

    public struct RecordingMissing: Error {
        public var name: String
        public init(name: String) { self.name = name }
    }

    static func object(_ data: Data) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RecordingMissing(name: "a JSON object")
        }
        return object
    }
}
