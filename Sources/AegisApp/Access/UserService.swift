import AegisDomain
import Foundation

/// `user.*`: accounts, managed by admins.
public struct UserService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    public func create(username: String, password: String, roles: [Role], displayName: String?) throws -> User {
        if let problem = CredentialRules.usernameProblem(username) { throw AegisError.invalidArgument("username", problem) }
        if let problem = CredentialRules.passwordProblem(password, username: username) {
            throw AegisError.invalidArgument("password", problem)
        }
        guard !roles.isEmpty else { throw AegisError.invalidArgument("roles", "a user needs at least one role") }
        let name = try Validate.text(displayName ?? username, field: "display_name", max: 200, required: false)
        let hash = try env.crypto.hashPassword(password)
        let now = env.clock.now()
        let user = User(
            id: env.crypto.newID(prefix: "usr_"), username: username, displayName: name.isEmpty ? username : name,
            roles: Array(Set(roles)).sorted(), createdAt: now, updatedAt: now, passwordChangedAt: now)
        try context.session.write { repos in
            try repos.users.insert(user, passwordHash: hash)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "user.create", "user", user.id,
                changes: [
                    "username": .string(username), "display_name": .string(user.displayName),
                    "roles": .strings(user.roles.map(\.rawValue)), "password": "<set>",
                ],
                event: .userCreated,
                payload: ["username": .string(username), "roles": .strings(user.roles.map(\.rawValue))])
        }
        return user
    }

    public func get(id: String) throws -> User {
        guard let user = try context.session.read({ try $0.users.user(id: id) }) else {
            throw AegisError.notFound("user", id)
        }
        return user
    }

    public func list(text: String?, role: Role?, includeDisabled: Bool, limit: Int?, cursor: String?) throws
        -> ListResult<User>
    {
        let page = try Cursor.pageRequest(limit: limit, cursor: cursor)
        let text = try Validate.optionalText(text, field: "q", max: 200)
        return ListResult(try context.session.read { try $0.users.users(text: text, role: role, includeDisabled: includeDisabled, page: page) })
    }

    public func update(id: String, version: Int, roles: [Role]?, displayName: String?) throws -> User {
        let now = env.clock.now()
        return try context.session.write { repos in
            var user = try load(repos, id: id, version: version)
            var changes: [String: Value] = [:]
            if let roles {
                guard !roles.isEmpty else { throw AegisError.invalidArgument("roles", "a user needs at least one role") }
                user.roles = Array(Set(roles)).sorted()
                changes["roles"] = .strings(user.roles.map(\.rawValue))
            }
            if let displayName {
                user.displayName = try Validate.text(displayName, field: "display_name", max: 200)
                changes["display_name"] = .string(user.displayName)
            }
            user.version += 1
            user.updatedAt = now
            try repos.users.update(user)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "user.update", "user", id, changes: changes, event: .userUpdated,
                payload: ["version": .int(Int64(user.version)), "fields": .strings(changes.keys.sorted())])
            return user
        }
    }

    /// Disables the account and ends its sessions at once.
    public func disable(id: String, version: Int) throws -> User {
        let principal = try context.requirePrincipal()
        guard !(principal.kind == .user && principal.id == id) else {
            throw AegisError.failedPrecondition("you cannot disable your own account")
        }
        let now = env.clock.now()
        return try context.session.write { repos in
            var user = try load(repos, id: id, version: version)
            guard !user.disabled else { throw AegisError.failedPrecondition("the user is already disabled") }
            user.disabled = true
            user.version += 1
            user.updatedAt = now
            try repos.users.update(user)
            let ended = try repos.users.revokeSessions(userID: id, except: nil, at: now)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "user.disable", "user", id, changes: ["disabled": true], event: .userDisabled,
                payload: ["username": .string(user.username), "sessions_ended": .int(Int64(ended))])
            return user
        }
    }

    private func load(_ repos: any Repositories, id: String, version: Int) throws -> User {
        guard let user = try repos.users.user(id: id) else { throw AegisError.notFound("user", id) }
        try Versioning.check(kind: "user", current: user.version, given: version)
        return user
    }
}

/// `api_key.*`: keys for scripts and plugins, managed by admins.
public struct APIKeyService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    public struct Created: Sendable, Encodable {
        /// The secret: shown here once, never again.
        public var key: String
        public var apiKey: APIKey

        enum CodingKeys: String, CodingKey {
            case key
            case apiKey = "api_key"
        }
    }

    public func create(name: String, roles: [Role], expiresAt: Date?) throws -> Created {
        let name = try Validate.text(name, field: "name", max: 100)
        guard !roles.isEmpty else { throw AegisError.invalidArgument("roles", "a key needs at least one role") }
        let now = env.clock.now()
        if let expiresAt, expiresAt <= now { throw AegisError.invalidArgument("expires_at", "expires_at is in the past") }
        let secret = env.crypto.newSecret(prefix: AuthService.apiKeyPrefix)
        let key = APIKey(
            id: env.crypto.newID(prefix: "key_"), name: name, roles: Array(Set(roles)).sorted(), createdAt: now,
            expiresAt: expiresAt)
        try context.session.write { repos in
            try repos.apiKeys.insert(key, secretHash: env.crypto.sha256Hex(Data(secret.utf8)))
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "api_key.create", "api_key", key.id,
                changes: ["name": .string(name), "roles": .strings(key.roles.map(\.rawValue)), "secret": "<set>"],
                event: .apiKeyCreated, payload: ["name": .string(name), "roles": .strings(key.roles.map(\.rawValue))])
        }
        return Created(key: secret, apiKey: key)
    }

    public func list(limit: Int?, cursor: String?) throws -> ListResult<APIKey> {
        let page = try Cursor.pageRequest(limit: limit, cursor: cursor)
        return ListResult(try context.session.read { try $0.apiKeys.keys(page: page) })
    }

    /// Revokes at once: the next request with it is refused.
    public func revoke(id: String) throws -> APIKey {
        let now = env.clock.now()
        return try context.session.write { repos in
            guard var key = try repos.apiKeys.key(id: id) else { throw AegisError.notFound("api_key", id) }
            guard key.revokedAt == nil else { throw AegisError.failedPrecondition("the key is already revoked") }
            try repos.apiKeys.revoke(id: id, at: now)
            key.revokedAt = now
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "api_key.revoke", "api_key", id, changes: ["revoked_at": .timestamp(now)], event: .apiKeyRevoked,
                payload: ["name": .string(key.name)])
            return key
        }
    }
}
