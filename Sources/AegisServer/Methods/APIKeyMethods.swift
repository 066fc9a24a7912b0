import AegisApp
import AegisDomain
import Foundation

/// `api_key.*`: credentials for scripts and plugins.
enum APIKeyMethods {
    static let all: [MethodHandler] = [
        .method("api_key.create", APIKeyCreateParams.self) { p, scope in
            try keys(scope).create(name: p.name, roles: p.roles, expiresAt: p.expiresAt)
        },
        .method("api_key.list", PageParams.self) { p, scope in try keys(scope).list(limit: p.limit, cursor: p.cursor) },
        .method("api_key.revoke", IDParams.self) { p, scope in try keys(scope).revoke(id: p.id) },
    ]

    private static func keys(_ scope: RequestScope) -> APIKeyService {
        APIKeyService(env: scope.env, context: scope.context)
    }

    struct APIKeyCreateParams: Decodable, Sendable {
        var name: String
        var roles: [Role]
        var expiresAt: Date?
        enum CodingKeys: String, CodingKey {
            case name, roles
            case expiresAt = "expires_at"
        }
    }
}
