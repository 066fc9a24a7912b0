import AegisApp
import AegisDomain
import Foundation

/// `actor.*`: the catalog's groups and campaigns.
enum ActorMethods {
    static let all: [MethodHandler] = [
        .method("actor.get", IDParams.self) { p, scope in try service(scope).actor(id: p.id) }
            .cachedUntilNextCommit(),
        .method("actor.list", ActorListParams.self) { p, scope in
            try service(scope).actors(
                text: p.q, kind: p.kind, includeRevoked: p.includeRevoked ?? false, limit: p.limit, cursor: p.cursor)
        }.cachedUntilNextCommit(),
    ]

    private static func service(_ scope: RequestScope) -> CatalogService {
        CatalogService(env: scope.env, context: scope.context)
    }

    struct ActorListParams: Decodable {
        var q: String?
        var kind: ThreatActor.Kind?
        var includeRevoked: Bool?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case q, kind, limit, cursor
            case includeRevoked = "include_revoked"
        }
    }
}
