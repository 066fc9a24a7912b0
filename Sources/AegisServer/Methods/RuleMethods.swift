import AegisApp
import AegisDomain
import Foundation

/// `rule.*`: detection rules (Sigma, Elastic, native), their operational
/// state, and trying them out.
enum RuleMethods {
    static let all: [MethodHandler] = [
        MethodHandler.method("rule.get", IDParams.self) { p, scope in try service(scope).rule(id: p.id) },
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
        .method("rule.sources") { scope in
            SourcesResult(
                items: try RuleDirectorySync(env: scope.env, context: scope.context).sources().map(SourcesResult.Item.init),
                directory: scope.rulesDirectory.directory, watching: scope.rulesDirectory.watching)
        },
    ]

    private static func service(_ scope: RequestScope) -> RuleService {
        RuleService(env: scope.env, context: scope.context)
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
