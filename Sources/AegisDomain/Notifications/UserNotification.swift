import Foundation

/// Something a user should act on: a test reached a state that needs them.
/// On the wire a `notification`; in Swift `UserNotification`, since
/// Foundation has a `Notification`.
public struct UserNotification: Sendable, Equatable, Codable {
    public var id: String
    public var userID: String
    /// `test.ready`, `test.needs_blue`, `test.needs_validation`,
    /// `test.rejected`, `test.validated`.
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

    enum CodingKeys: String, CodingKey {
        case id, kind, message
        case userID = "user_id"
        case testID = "test_id"
        case createdAt = "created_at"
        case readAt = "read_at"
    }
}
