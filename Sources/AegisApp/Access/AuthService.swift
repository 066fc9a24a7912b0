import AegisDomain
import Foundation

/// Who is calling: API keys and user sessions; signing in and out.
public struct AuthService {
    public let env: AppEnvironment

    public init(env: AppEnvironment) { self.env = env }

    /// Prefix of every API key, so a leaked key is recognisable in scans.
    public static let apiKeyPrefix = "aegis_k1_"
    /// Prefix of every session token.
    public static let sessionPrefix = "aegis_s1_"
    /// Prefix of every plugin credential.
    public static let pluginPrefix = "aegis_p1_"

    /// The principal behind `token`; `UNAUTHENTICATED` when it is missing,
    /// unknown, revoked, expired, or its user is disabled (one message for
    /// all, so a caller learns nothing about which).
    public func authenticate(_ token: String?, session: any StoreSession) throws -> Principal {
        guard let token, !token.isEmpty else { throw AegisError.unauthenticated() }
        let refused = AegisError.unauthenticated("the auth token or API key is not valid")
        guard token.utf8.count <= 256 else { throw refused }
        let hash = env.crypto.sha256Hex(Data(token.utf8))
        let now = env.clock.now()
        if token.hasPrefix(Self.apiKeyPrefix) {
            guard let key = try session.read({ try $0.apiKeys.find(secretHash: hash) }), key.isActive(at: now) else {
                throw refused
            }
            return Principal(kind: .apiKey, id: key.id, name: key.name, roles: Set(key.roles))
        }
        if token.hasPrefix(Self.sessionPrefix) {
            let found = try session.read { repos -> (Session, User)? in
                guard let s = try repos.users.session(tokenHash: hash), let user = try repos.users.user(id: s.userID)
                else { return nil }
                return (s, user)
            }
            guard let (s, user) = found, s.isActive(at: now), !user.disabled else { throw refused }
            return Principal(kind: .user, id: user.id, name: user.username, roles: Set(user.roles), sessionID: s.id)
        }
        if token.hasPrefix(Self.pluginPrefix) {
            guard let principal = env.pluginCredentials.principal(forHash: hash) else { throw refused }
            return principal
        }
        throw refused
    }

    /// On an empty store, creates an admin API key; nil when keys already
    /// exist. Only the key's hash is stored. `deliver` receives the secret
    /// inside the transaction, before the commit, to put it where only the
    /// operator can read it: if it throws, no key is created, so the next
    /// start tries again rather than leaving a key nobody has.
    public func bootstrapAdminKey(
        session: any StoreSession, deliver: (String) throws -> Void
    ) throws -> APIKey? {
        try session.write { repos in
            guard try repos.apiKeys.count() == 0 else { return nil }
            let now = env.clock.now()
            let secret = env.crypto.newSecret(prefix: Self.apiKeyPrefix)
            let key = APIKey(id: env.crypto.newID(prefix: "key_"), name: "admin", roles: [.admin], createdAt: now)
            try repos.apiKeys.insert(key, secretHash: env.crypto.sha256Hex(Data(secret.utf8)))
            try repos.events.append(
                DomainEvent(
                    type: .apiKeyCreated, subject: .init(kind: "api_key", id: key.id), actor: nil,
                    payload: ["name": .string(key.name), "roles": .strings(key.roles.map(\.rawValue))]),
                source: env.instanceID, at: now)
            try deliver(secret)
            return key
        }
    }
}

/// `auth.login`, `auth.logout`, `auth.whoami`, `auth.change_password`.
public struct SessionService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    public struct LoginResult: Sendable, Encodable {
        public var token: String
        public var expiresAt: Date
        public var user: User

        enum CodingKeys: String, CodingKey {
            case token, user
            case expiresAt = "expires_at"
        }
    }

    /// Signs in. Costs one password hash check whether or not the user
    /// exists; audits every attempt with the peer; after too many failures
    /// under one sign-in key in the window, `RATE_LIMITED` until the oldest
    /// ages out. Nothing typed as the username is kept or announced: a
    /// password typed there must not end up in the trail or on the events
    /// socket.
    public func login(username: String, password: String) throws -> LoginResult {
        guard username.utf8.count <= 256, password.utf8.count <= 1024 else {
            throw AegisError.unauthenticated("invalid username or password")
        }
        let now = env.clock.now()
        let user = try context.session.read { try $0.users.user(username: username) }
        let key = signInKey(username, user: user)
        let window = now.addingTimeInterval(-env.limits.loginFailureWindow)
        let (failures, oldest) = try context.session.read {
            try $0.audit.loginFailures(key: key, since: window)
        }
        if failures >= env.limits.loginFailures, let oldest {
            let retry = max(1, Int64(oldest.addingTimeInterval(env.limits.loginFailureWindow).timeIntervalSince(now) * 1000))
            try context.session.write { repos in
                try ChangeLog(repos: repos, env: env, context: context, now: now)
                    .record("auth.login_rate_limited", "user", key)
            }
            throw AegisError(
                .rateLimited, "too many failed sign-ins for this username; try again later",
                details: ["retry_after_ms": .int(retry)])
        }
        let hash = try user.flatMap { u in try context.session.read { try $0.users.passwordHash(userID: u.id) } }
        // Always one verification, against a throwaway hash when there is no
        // such user, so timing does not tell whether a username exists.
        let matches = env.crypto.verifyPassword(password, hash: hash ?? PasswordDecoy.hash(env.crypto))
        guard let user, matches, !user.disabled else {
            try context.session.write { repos in
                try ChangeLog(repos: repos, env: env, context: context, now: now).record("auth.login_failed", "user", key)
                // The subject and payload name the user only when there is one.
                try repos.events.append(
                    DomainEvent(
                        type: .authLoginFailed, subject: .init(kind: "user", id: user?.id ?? ""), actor: nil,
                        payload: ["user_id": .text(user?.id)]),
                    source: env.instanceID, at: now)
            }
            throw AegisError.unauthenticated("invalid username or password")
        }
        let token = env.crypto.newSecret(prefix: AuthService.sessionPrefix)
        let session = Session(
            id: env.crypto.newID(prefix: "ses_"), userID: user.id, createdAt: now,
            expiresAt: now.addingTimeInterval(env.limits.sessionLifetime), peer: context.peer)
        try context.session.write { repos in
            try repos.users.insertSession(session, tokenHash: env.crypto.sha256Hex(Data(token.utf8)))
            try ChangeLog(repos: repos, env: env, context: context, now: now)
                .record("auth.login", "user", user.id, changes: ["session_id": .string(session.id)])
        }
        return LoginResult(token: token, expiresAt: session.expiresAt, user: user)
    }

    /// What failed sign-ins are counted (and audited) under: the user's id
    /// when `username` names a user; otherwise `name:` and the SHA-256 of
    /// the name as typed, its ASCII letters lower-cased, so that an unknown
    /// name is limited ignoring case like a known one, and the text typed
    /// (a password, at times) is not kept.
    func signInKey(_ username: String, user: User?) -> String {
        if let user { return user.id }
        let name = CredentialRules.usernameKey(username) ?? username
        return "name:" + env.crypto.sha256Hex(Data(name.utf8))
    }

    /// Ends the caller's session at once.
    public func logout() throws {
        let principal = try context.requirePrincipal()
        guard principal.kind == .user, let sessionID = principal.sessionID else {
            throw AegisError.failedPrecondition("only a signed-in user has a session to end")
        }
        let now = env.clock.now()
        try context.session.write { repos in
            try repos.users.revokeSession(id: sessionID, at: now)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "auth.logout", "user", principal.id, changes: ["session_id": .string(sessionID)],
                event: .authLoggedOut, payload: ["session_id": .string(sessionID)])
        }
    }

    public struct WhoAmI: Sendable, Encodable {
        public var kind: String
        public var id: String
        public var name: String
        public var roles: [Role]
        public var user: User?
    }

    public func whoami() throws -> WhoAmI {
        let p = try context.requirePrincipal()
        let user = p.kind == .user ? try context.session.read { try $0.users.user(id: p.id) } : nil
        return WhoAmI(kind: p.kind.rawValue, id: p.id, name: p.name, roles: p.roles.sorted(), user: user)
    }

    /// Changes the caller's password; every other session of the user ends.
    public func changePassword(current: String, new: String) throws {
        let principal = try context.requirePrincipal()
        guard principal.kind == .user else {
            throw AegisError.failedPrecondition("only a signed-in user has a password")
        }
        guard let user = try context.session.read({ try $0.users.user(id: principal.id) }),
            let hash = try context.session.read({ try $0.users.passwordHash(userID: principal.id) }),
            env.crypto.verifyPassword(current, hash: hash)
        else { throw AegisError.invalidArgument("current_password", "the current password is not right") }
        if let problem = CredentialRules.passwordProblem(new, username: user.username) {
            throw AegisError.invalidArgument("new_password", problem)
        }
        let newHash = try env.crypto.hashPassword(new)
        let now = env.clock.now()
        try context.session.write { repos in
            try repos.users.setPassword(userID: user.id, passwordHash: newHash, changedAt: now)
            let ended = try repos.users.revokeSessions(userID: user.id, except: principal.sessionID, at: now)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "auth.change_password", "user", user.id, changes: ["password": "<set>"],
                event: .userPasswordChanged, payload: ["sessions_ended": .int(Int64(ended))])
        }
    }
}

/// A hash to verify against when the user does not exist, made once.
enum PasswordDecoy {
    nonisolated(unsafe) private static var cached: String?
    private static let lock = NSLock()

    static func hash(_ crypto: any CryptoProvider) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let made = (try? crypto.hashPassword(crypto.newSecret(prefix: "decoy-"))) ?? ""
        cached = made
        return made
    }
}
