import AegisApp
import AegisDomain
import Foundation

/// `auth.*`: signing in and out, who the caller is, its password.
enum AuthMethods {
    static let all: [MethodHandler] = [
        .method("auth.login", LoginParams.self) { p, scope in
            try sessions(scope).login(username: p.username, password: p.password)
        },
        .method("auth.logout") { scope in
            try sessions(scope).logout()
            return Done()
        },
        .method("auth.whoami") { scope in try sessions(scope).whoami() },
        .method("auth.change_password", ChangePasswordParams.self) { p, scope in
            try sessions(scope).changePassword(current: p.currentPassword, new: p.newPassword)
            return Done()
        },
    ]

    private static func sessions(_ scope: RequestScope) -> SessionService {
        SessionService(env: scope.env, context: scope.context)
    }

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
}
