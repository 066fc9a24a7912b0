import AegisApp
import AegisDomain
import Foundation

/// `detection.*`: what the rule engine (or an external source) detected.
enum DetectionMethods {
    static let all: [MethodHandler] = [
        MethodHandler.method("detection.get", IDParams.self) { p, scope in
            try DetectionService(env: scope.env, context: scope.context).detection(id: p.id)
        },
        .method("detection.list", ListParams.self) { p, scope in
            try DetectionService(env: scope.env, context: scope.context).list(
                DetectionFilters(
                    techniqueID: p.techniqueID, ruleID: p.ruleID, host: p.host, since: p.since, until: p.until,
                    minConfidence: p.minConfidence, limit: p.limit, cursor: p.cursor))
        },
    ]

    struct ListParams: Decodable, Sendable {
        var techniqueID: String?
        var ruleID: String?
        var host: String?
        var since: Date?
        var until: Date?
        var minConfidence: Int?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case host, since, until, limit, cursor
            case techniqueID = "technique_id"
            case ruleID = "rule_id"
            case minConfidence = "min_confidence"
        }
    }
}
