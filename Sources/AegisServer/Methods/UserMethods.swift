import AegisApp
import AegisDomain
import Foundation

/// `user.*`: people and their roles.
enum UserMethods {
    static let all: [MethodHandler] = [
        .method("user.create", UserCreateParams.self) { p, scope in
            try users(scope).create(username: p.username, password: p.password, roles: p.roles, displayName: p.displayName)
        },
        .method("user.get", IDParams.self) { p, scope in try users(scope).get(id: p.id) },
        .method("user.list", UserListParams.self) { p, scope in
            try users(scope).list(
                text: p.q, role: p.role, includeDisabled: p.includeDisabled ?? false, limit: p.limit, cursor: p.cursor)
        },
        .method("user.update", UserUpdateParams.self) { p, scope in
            try users(scope).update(id: p.id, version: p.version, roles: p.roles, displayName: p.displayName)
        },
        .method("user.disable", VersionedIDParams.self) { p, scope in try users(scope).disable(id: p.id, version: p.version) },
    ]

    private static func users(_ scope: RequestScope) -> UserService { UserService(env: scope.env, context: scope.context) }

    struct UserCreateParams: Decodable, Sendable {
        var username: String
        var password: String
        var roles: [Role]
        var displayName: String?
        enum CodingKeys: String, CodingKey {
            case username, password, roles
            case displayName = "display_name"
        }
    }

    struct UserListParams: Decodable, Sendable {
        var q: String?
        var role: Role?
        var includeDisabled: Bool?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case q, role, limit, cursor
            case includeDisabled = "include_disabled"
        }
    }

    struct UserUpdateParams: Decodable, Sendable {
        var id: String
        var version: Int
        var roles: [Role]?
        var displayName: String?
        enum CodingKeys: String, CodingKey {
            case id, version, roles
            case displayName = "display_name"
        }
    }
}
