import Foundation

/// A stored API key. Only a hash of the secret is kept; the secret itself
/// is shown once, when the key is created.
public struct APIKey: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var roles: [Role]
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(
        id: String, name: String, roles: [Role], createdAt: Date, expiresAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.roles = roles
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Usable at `now`: not revoked and not expired.
    public func isActive(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }

    /// 1, then 2 once revoked: a key changes at most once.
    public var version: Int { revokedAt == nil ? 1 : 2 }

    enum CodingKeys: String, CodingKey {
        case id, name, roles, version
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name),
            roles: try c.decode([Role].self, forKey: .roles), createdAt: try c.decode(Date.self, forKey: .createdAt),
            expiresAt: try c.decodeIfPresent(Date.self, forKey: .expiresAt),
            revokedAt: try c.decodeIfPresent(Date.self, forKey: .revokedAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(version, forKey: .version)
        try c.encode(name, forKey: .name)
        try c.encode(roles, forKey: .roles)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encodeIfPresent(expiresAt, forKey: .expiresAt)
        try c.encodeIfPresent(revokedAt, forKey: .revokedAt)
    }
}
