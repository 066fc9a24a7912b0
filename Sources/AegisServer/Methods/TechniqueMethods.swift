import AegisApp
import AegisDomain
import Foundation

/// `technique.*`: techniques and sub-techniques of the catalog.
enum TechniqueMethods {
    static let all: [MethodHandler] = [
        .method("technique.get", IDParams.self) { p, scope in try service(scope).technique(id: p.id) }
            .cachedUntilNextCommit(),
        .method("technique.list", TechniqueListParams.self) { p, scope in
            try service(scope).techniques(
                tactic: p.tactic, platform: p.platform, text: p.q,
                includeSubtechniques: p.includeSubtechniques ?? true, includeRevoked: p.includeRevoked ?? false,
                limit: p.limit, cursor: p.cursor)
        }.cachedUntilNextCommit(),
    ]

    private static func service(_ scope: RequestScope) -> CatalogService {
        CatalogService(env: scope.env, context: scope.context)
    }

    struct TechniqueListParams: Decodable {
        var tactic: String?
        var platform: String?
        var q: String?
        var includeSubtechniques: Bool?
        var includeRevoked: Bool?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case tactic, platform, q, limit, cursor
            case includeSubtechniques = "include_subtechniques"
            case includeRevoked = "include_revoked"
        }
    }
}
