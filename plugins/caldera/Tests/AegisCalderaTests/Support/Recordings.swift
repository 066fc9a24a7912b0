import Foundation

/// The responses recorded from a real Caldera 5.3 by `tools/record.py`
/// (plugins/caldera/Tests/recordings): one file per exchange.
struct Recordings {
    struct Exchange {
        var file: String
        var method: String
        /// Path and query, as sent.
        var path: String
        /// `key`, `cookie`, `bad-key`, `stale-cookie` or `none`.
        var auth: String
        var status: Int
        var headers: [String: String]
        var body: Data

        /// The body as JSON.
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body) }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("recordings")

    let exchanges: [Exchange]
    /// The id of the operation whose links were recorded.
    let operationID: String

    init(folder: URL = Recordings.folder) throws {
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
    func named(_ name: String) throws -> Exchange {
        guard let exchange = exchanges.first(where: { $0.file == "\(name).json" }) else {
            throw RecordingMissing(name: name)
        }
        return exchange
    }

    struct RecordingMissing: Error { var name: String }

    static func object(_ data: Data) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RecordingMissing(name: "a JSON object")
        }
        return object
    }
}
