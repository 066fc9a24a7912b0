import AegisApp
import AegisDomain
import Foundation

/// `auth.*`, `user.*`, `api_key.*`.
enum AccessMethods {
    static let all: [MethodHandler] = [
        .method("auth.login", LoginParams.self) { p, scope in
            try SessionService(env: scope.env, context: scope.context).login(username: p.username, password: p.password)
        },
        .method("auth.logout") { scope in
            try SessionService(env: scope.env, context: scope.context).logout()
            return Done()
        },
        .method("auth.whoami") { scope in try SessionService(env: scope.env, context: scope.context).whoami() },
        .method("auth.change_password", ChangePasswordParams.self) { p, scope in
            try SessionService(env: scope.env, context: scope.context).changePassword(current: p.currentPassword, new: p.newPassword)
            return Done()
        },
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
        .method("api_key.create", APIKeyCreateParams.self) { p, scope in
            try APIKeyService(env: scope.env, context: scope.context).create(name: p.name, roles: p.roles, expiresAt: p.expiresAt)
        },
        .method("api_key.list", PageParams.self) { p, scope in
            try APIKeyService(env: scope.env, context: scope.context).list(limit: p.limit, cursor: p.cursor)
        },
        .method("api_key.revoke", IDParams.self) { p, scope in
            try APIKeyService(env: scope.env, context: scope.context).revoke(id: p.id)
        },
    ]

    private static func users(_ scope: RequestScope) -> UserService { UserService(env: scope.env, context: scope.context) }

    struct LoginParams: Decodable, Sendable {
        var username: String
        var password: String
    }

    struct ChangePasswordParams: Decodable, Sendable {
        var currentPassword: String
        var newPassword: String
        enum CodingKeys: String, CodingKey {
            case currentPassword = "current_password"
            case newPassword = "new_password"
        }
    }

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

/// `{id}`.
struct IDParams: Decodable, Sendable { var id: String }

/// `{domain}` (an ATT&CK domain, optional) for the analytics reads.
struct DomainParams: Decodable, Sendable { var domain: String? }

/// A whole list as `{items}` (lists too short to page).
struct Items<Item: Encodable & Sendable>: Encodable, Sendable { var items: [Item] }

/// `{id, version}` for mutations of versioned objects.
struct VersionedIDParams: Decodable, Sendable {
    var id: String
    var version: Int
}

/// `{limit, cursor}`.
struct PageParams: Decodable, Sendable {
    var limit: Int?
    var cursor: String?
}
