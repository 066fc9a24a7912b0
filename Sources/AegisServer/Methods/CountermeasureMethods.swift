import AegisApp
import AegisDomain
import Foundation

/// `countermeasure.*`: D3FEND defensive techniques and the ATT&CK
/// techniques they address.
enum CountermeasureMethods {
    static let all: [MethodHandler] = [
        MethodHandler.method("countermeasure.sync", CountermeasureSet.self) { p, scope in try service(scope).sync(p) }
            .allocatingHeavily(),
        .method("countermeasure.list", ListParams.self) { p, scope in
            try service(scope).list(
                techniqueID: p.techniqueID, tactic: p.tactic, text: p.q, limit: p.limit, cursor: p.cursor)
        }.cachedUntilNextCommit(),
        .method("countermeasure.get", IDParams.self) { p, scope in try service(scope).countermeasure(id: p.id) }
            .cachedUntilNextCommit(),
    ]

    private static func service(_ scope: RequestScope) -> CountermeasureService {
        CountermeasureService(env: scope.env, context: scope.context)
    }

    struct ListParams: Decodable, Sendable {
        var techniqueID: String?
        /// A D3FEND tactic, in any case.
        var tactic: String?
        var q: String?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case tactic, q, limit, cursor
            case techniqueID = "technique_id"
        }
    }
}
