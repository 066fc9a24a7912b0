import AegisDomain
import Foundation

/// Resolves a request's `auth` to a principal, and creates the first
/// admin API key of an empty store.
public struct AuthService {
    public let env: AppEnvironment

    public init(env: AppEnvironment) { self.env = env }

    /// Prefix of every API key, so a leaked key is recognisable in scans.
    public static let apiKeyPrefix = "aegis_k1_"

    /// The principal behind `token`; `UNAUTHENTICATED` when it is missing,
    /// unknown, revoked or expired (one message for all, so a caller learns
    /// nothing about which).
    public func authenticate(_ token: String?, session: any StoreSession) throws -> Principal {
        guard let token, !token.isEmpty else { throw AegisError.unauthenticated() }
        guard token.utf8.count <= 256, token.hasPrefix(Self.apiKeyPrefix) else {
            throw AegisError.unauthenticated("the auth token or API key is not valid")
        }
        let hash = env.crypto.sha256Hex(Data(token.utf8))
        guard let key = try session.read({ try $0.apiKeys.find(secretHash: hash) }), key.isActive(at: env.clock.now())
        else { throw AegisError.unauthenticated("the auth token or API key is not valid") }
        return Principal(kind: .apiKey, id: key.id, name: key.name, roles: Set(key.roles))
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
                    type: "api_key.created", subject: .init(kind: "api_key", id: key.id), actor: nil,
                    payload: ["name": .string(key.name), "roles": .strings(key.roles.map(\.rawValue))]),
                source: env.instanceID, at: now)
            try deliver(secret)
            return key
        }
    }
}
