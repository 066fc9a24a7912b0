import AegisCaldera
import AegisClient
import AegisWire
import Foundation

/// The calls the plugin makes to aegisd, over one RPC client (one thread).
/// Every one of them is in the scope its declaration needs (README).
final class AegisAPI {
    let client: AegisClient
    /// Techniques the catalog was found to hold (the catalog only grows
    /// while the plugin runs, so a yes stays a yes).
    private var knownTechniques: Set<String> = []

    init(client: AegisClient) {
        self.client = client
    }

    /// `technique.get`: whether the catalog holds `id`.
    func techniqueExists(_ id: String) throws(AegisClientError) -> Bool {
        if knownTechniques.contains(id) { return true }
        do {
            _ = try client.call("technique.get", ["id": .string(id)])
        } catch {
            if error.code == "NOT_FOUND" { return false }
            throw error
        }
        knownTechniques.insert(id)
        return true
    }

    /// What one `template.import` did.
    struct ImportReport {
        var added = 0
        var updated = 0
        var unchanged = 0
        /// Files refused, with why.
        var invalid: [(name: String, error: String)] = []
    }

    /// `template.import {format: caldera, files}`.
    func importTemplates(_ files: [AbilityTemplateFile]) throws(AegisClientError) -> ImportReport {
        let uploads = files.map { file -> MessagePackValue in
            .map(["name": .string(file.name), "content": .binary(file.content)])
        }
        let result = try client.call("template.import", ["format": "caldera", "files": .array(uploads)])
        var report = ImportReport(
            added: Int(result["added"]?.intValue ?? 0), updated: Int(result["updated"]?.intValue ?? 0),
            unchanged: Int(result["unchanged"]?.intValue ?? 0))
        for file in result["files"]?.arrayValue ?? [] where file["status"] == "invalid" {
            report.invalid.append((file["name"]?.stringValue ?? "?", file["error"]?.stringValue ?? ""))
        }
        return report
    }

    /// `test.list {source_ref}`: the test made from `sourceRef`, if any.
    func test(sourceRef: String) throws(AegisClientError) -> AegisTest? {
        let page = try client.call("test.list", ["source_ref": .string(sourceRef), "limit": 1])
        return page["items"]?.arrayValue?.first.flatMap(AegisTest.init)
    }

    /// `test.list {state}`: every test in `state`.
    func tests(state: String) throws(AegisClientError) -> [AegisTest] {
        var tests: [AegisTest] = []
        var cursor: MessagePackValue = .nil
        repeat {
            var params: MessagePackMap = ["state": .string(state), "limit": 1000]
            if cursor != .nil { params.append(key: "cursor", value: cursor) }
            let page = try client.call("test.list", params)
            tests += (page["items"]?.arrayValue ?? []).compactMap(AegisTest.init)
            cursor = page["next_cursor"] ?? .nil
        } while cursor != .nil
        return tests
    }

    /// `template.get`: where a template came from (`format`, `source_id`).
    func templateSource(id: String) throws(AegisClientError) -> (format: String, sourceID: String?) {
        let template = try client.call("template.get", ["id": .string(id)])
        return (template["source"]?["format"]?.stringValue ?? "", template["source"]?["source_id"]?.stringValue)
    }

    /// `events.status`: the last event's `seq`.
    func lastSeq() throws(AegisClientError) -> Int64 {
        try client.call("events.status")["last_seq"]?.intValue ?? 0
    }

    /// `test.get`.
    func test(id: String) throws(AegisClientError) -> AegisTest {
        try Self.test(try client.call("test.get", ["id": .string(id)]))
    }

    /// `test.create` keyed by `sourceRef`: the new test, or the one made
    /// from it before (`ALREADY_EXISTS`), with whether it is new.
    func createTest(_ params: MessagePackMap, sourceRef: String) throws(AegisClientError) -> (AegisTest, created: Bool)
    {
        var params = params
        params.append(key: "source_ref", value: .string(sourceRef))
        do {
            return (try Self.test(try client.call("test.create", params)), true)
        } catch {
            guard case .remote(let code, _, let details) = error, code.rawValue == "ALREADY_EXISTS",
                let id = details?["id"]?.stringValue
            else { throw error }
            return (try test(id: id), false)
        }
    }

    /// A workflow move (`test.mark_ready`, `test.start`, `test.submit_red`).
    func move(_ method: String, _ test: AegisTest, _ extra: MessagePackMap = [:]) throws(AegisClientError) -> AegisTest
    {
        var params: MessagePackMap = ["id": .string(test.id), "version": .int(test.version)]
        for (key, value) in extra { params.append(key: key, value: value) }
        return try Self.test(try client.call(method, params))
    }

    /// `evidence.list`: whether the test has red evidence.
    func hasRedEvidence(testID: String) throws(AegisClientError) -> Bool {
        var cursor: MessagePackValue = .nil
        repeat {
            var params: MessagePackMap = ["test_id": .string(testID), "limit": 1000]
            if cursor != .nil { params.append(key: "cursor", value: cursor) }
            let page = try client.call("evidence.list", params)
            if page["items"]?.arrayValue?.contains(where: { $0["side"] == "red" }) == true { return true }
            cursor = page["next_cursor"] ?? .nil
        } while cursor != .nil
        return false
    }

    /// `evidence.upload` on red's side.
    func uploadRedEvidence(testID: String, _ evidence: LinkIntakePlan.Evidence) throws(AegisClientError) {
        _ = try client.call(
            "evidence.upload",
            [
                "test_id": .string(testID), "side": "red", "filename": .string(evidence.filename),
                "caption": .string(evidence.caption), "content": .binary(evidence.content),
            ])
    }

    private static func test(_ value: MessagePackValue) throws(AegisClientError) -> AegisTest {
        guard let test = AegisTest(value) else { throw .transport("aegisd answered without a test") }
        return test
    }
}
