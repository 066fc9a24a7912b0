import AegisApp
import AegisDetection
import AegisDomain
import AegisWire
import Foundation

/// `rule.*`: detection rules (Sigma, Elastic, native), their operational
/// state, and trying them out.
enum RuleMethods {
    static let all: [MethodHandler] = [
        MethodHandler.method("rule.import", ImportParams.self) { p, scope in
            try service(scope).importFiles(p.files.map { RuleFile(name: $0.name, data: $0.content.data) }, format: p.format)
        }.allocatingHeavily(),
        .method("rule.get", IDParams.self) { p, scope in try service(scope).rule(id: p.id) },
        .method("rule.list", ListParams.self) { p, scope in
            try service(scope).list(
                RuleFilters(
                    techniqueID: p.techniqueID, format: p.format, state: p.state, evaluable: p.evaluable,
                    level: p.level, text: p.q, limit: p.limit, cursor: p.cursor))
        },
        .method("rule.delete", VersionedIDParams.self) { p, scope in
            try service(scope).delete(id: p.id, version: p.version)
            return Done()
        },
        .method("rule.set_state", SetStateParams.self) { p, scope in
            try service(scope).setState(
                id: p.id, version: p.version,
                change: RuleStateChange(
                    kind: p.state, confidenceMax: p.confidenceMax, expiresAt: p.expiresAt, reason: p.reason))
        },
        MethodHandler(name: "rule.test") { raw, scope in
            // Events are taken as telemetry.ingest takes them (maps or JSON text).
            var rest = raw
            let events = try takeEvents(&rest)
            let p = try MethodHandler.decoder.decode(CandidateParams.self, from: .map(rest))
            let converted = try events.enumerated().map { try TelemetryWire.item($1, index: $0, source: nil).event }
            return try MethodHandler.wire(try service(scope).test(try p.candidate(), events: converted))
        },
        .method("rule.backtest", BacktestParams.self) { p, scope in
            try service(scope).backtest(
                try p.candidate(), since: p.since, until: p.until, cursor: p.cursor, decode: TelemetryWire.telemetryEvent)
        },
        .method("rule.sources") { scope in
            SourcesResult(
                items: try RuleDirectorySync(env: scope.env, context: scope.context).sources().map(SourcesResult.Item.init),
                directory: scope.rulesDirectory.directory, watching: scope.rulesDirectory.watching)
        },
    ]

    private static func takeEvents(_ raw: inout MessagePackMap) throws -> [MessagePackValue] {
        guard let value = raw["events"] else {
            throw CallFailure(code: .invalidArgument, message: "events is required", details: ["field": "events"])
        }
        guard case .array(let events) = value else {
            throw CallFailure(code: .invalidArgument, message: "events must be a list", details: ["field": "events"])
        }
        guard events.count <= RuleService.maxTestEvents else {
            throw CallFailure(
                code: .invalidArgument, message: "at most \(RuleService.maxTestEvents) events per test",
                details: ["field": "events", "max": .int(Int64(RuleService.maxTestEvents))])
        }
        raw = MessagePackMap(raw.filter { $0.key.stringValue != "events" })
        return events
    }

    private static func service(_ scope: RequestScope) -> RuleService {
        RuleService(env: scope.env, context: scope.context)
    }

    struct ImportParams: Decodable, Sendable {
        struct File: Decodable, Sendable {
            var name: String
            var content: FileContent
        }
        var format: RuleFormat?
        var files: [File]
    }

    /// `{id}` for a stored rule, or `{format?, content}` for rule text.
    struct CandidateParams: Decodable, Sendable {
        var id: String?
        var format: RuleFormat?
        var content: String?

        func candidate() throws -> RuleService.Candidate {
            switch (id, content) {
            case (let id?, nil) where format == nil: return .stored(id: id)
            case (nil, let content?): return .text(format: format, content: content)
            default:
                throw CallFailure(
                    code: .invalidArgument, message: "give either id or content (with format, optionally)",
                    details: ["field": "id"])
            }
        }
    }

    struct BacktestParams: Decodable, Sendable {
        var id: String?
        var format: RuleFormat?
        var content: String?
        var since: Date
        var until: Date
        var cursor: String?

        func candidate() throws -> RuleService.Candidate {
            try CandidateParams(id: id, format: format, content: content).candidate()
        }
    }

    struct ListParams: Decodable, Sendable {
        var techniqueID: String?
        var format: RuleFormat?
        var state: RuleState.Kind?
        var evaluable: Bool?
        var level: String?
        var q: String?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case format, state, evaluable, level, q, limit, cursor
            case techniqueID = "technique_id"
        }
    }

    struct SetStateParams: Decodable, Sendable {
        var id: String
        var version: Int
        var state: RuleState.Kind
        var confidenceMax: Int?
        var expiresAt: Date?
        var reason: String?
        enum CodingKeys: String, CodingKey {
            case id, version, state, reason
            case confidenceMax = "confidence_max"
            case expiresAt = "expires_at"
        }
    }

    /// `rule.sources`: the rules directory's files (and unreadable folders)
    /// as last synced, and whether this instance watches the directory.
    struct SourcesResult: Encodable, Sendable {
        var items: [Item]
        var directory: String?
        var watching: Bool

        struct Item: Encodable, Sendable {
            var name: String
            var status: String
            var error: String?
            var ruleIDs: [String]
            var syncedAt: Date
            enum CodingKeys: String, CodingKey {
                case name, status, error
                case ruleIDs = "rule_ids"
                case syncedAt = "synced_at"
            }

            init(_ source: RuleSource) {
                (name, status, error) = (source.name, source.status.rawValue, source.error)
                (ruleIDs, syncedAt) = (source.ruleIDs, source.syncedAt)
            }
        }
    }
}
