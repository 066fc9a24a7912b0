import AegisApp
import AegisDomain
import Foundation

/// `tactic.*`: the catalog's tactics.
enum TacticMethods {
    static let all: [MethodHandler] = [
        .method("tactic.list", TacticListParams.self) { p, scope in
            try service(scope).tactics(domain: p.domain, limit: p.limit, cursor: p.cursor)
        }.cachedUntilNextCommit()
    ]

    private static func service(_ scope: RequestScope) -> CatalogService {
        CatalogService(env: scope.env, context: scope.context)
    }

    struct TacticListParams: Decodable {
        var domain: String?
        var limit: Int?
        var cursor: String?
    }
}
