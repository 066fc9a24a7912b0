import Foundation

/// A person who signs in with a username and password.
public struct User: Sendable, Equatable, Codable {
    /// Server-chosen id (`usr_...`).
    public var id: String
    public var version: Int
    public var username: String
    public var displayName: String
    public var roles: [Role]
    public var disabled: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var passwordChangedAt: Date

    public init(
        id: String, version: Int = 1, username: String, displayName: String, roles: [Role], disabled: Bool = false,
        createdAt: Date, updatedAt: Date, passwordChangedAt: Date
    ) {
        self.id = id
        self.version = version
        self.username = username
        self.displayName = displayName
        self.roles = roles
        self.disabled = disabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.passwordChangedAt = passwordChangedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, version, username, roles, disabled
        case displayName = "display_name"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case passwordChangedAt = "password_changed_at"
    }
}

/// A signed-in user's session. Only a hash of its token is stored.
public struct Session: Sendable, Equatable {
    public var id: String
    public var userID: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
    /// The client's address when it signed in.
    public var peer: String?

    public init(id: String, userID: String, createdAt: Date, expiresAt: Date, revokedAt: Date? = nil, peer: String? = nil) {
        self.id = id
        self.userID = userID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.peer = peer
    }

    public func isActive(at now: Date) -> Bool { revokedAt == nil && expiresAt > now }
}
