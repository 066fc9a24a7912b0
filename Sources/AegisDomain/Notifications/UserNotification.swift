import Foundation

/// Something a user should act on: a test reached a state that needs them.
/// On the wire a `notification`; in Swift `UserNotification`, since
/// Foundation has a `Notification`.
public struct UserNotification: Sendable, Equatable, Codable {
    public var id: String
    public var userID: String
    /// `test.ready`, `test.needs_blue`, `test.needs_validation`,
    /// `test.rejected`, `test.validated`, `test.reopened`, `test.cancelled`.
    public var kind: String
    public var testID: String
    public var message: String
    public var createdAt: Date
    public var readAt: Date?

    public init(
        id: String, userID: String, kind: String, testID: String, message: String, createdAt: Date,
        readAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.testID = testID
        self.message = message
        self.createdAt = createdAt
        self.readAt = readAt
    }

    /// 1, then 2 once read: a notification changes at most once.
    public var version: Int { readAt == nil ? 1 : 2 }

    enum CodingKeys: String, CodingKey {
        case id, kind, message, version
        case userID = "user_id"
        case testID = "test_id"
        case createdAt = "created_at"
        case readAt = "read_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), userID: try c.decode(String.self, forKey: .userID),
            kind: try c.decode(String.self, forKey: .kind), testID: try c.decode(String.self, forKey: .testID),
            message: try c.decode(String.self, forKey: .message), createdAt: try c.decode(Date.self, forKey: .createdAt),
            readAt: try c.decodeIfPresent(Date.self, forKey: .readAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(version, forKey: .version)
        try c.encode(userID, forKey: .userID)
        try c.encode(kind, forKey: .kind)
        try c.encode(testID, forKey: .testID)
        try c.encode(message, forKey: .message)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encodeIfPresent(readAt, forKey: .readAt)
    }
}
