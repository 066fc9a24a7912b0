import Foundation

/// Users' notifications.
public protocol NotificationRepository {
    func insert(_ notification: UserNotification) throws
    func notifications(userID: String, unreadOnly: Bool, page: PageRequest) throws -> Page<UserNotification>
    /// Marks the given ids (all of the user's when nil) read; returns how many.
    func markRead(userID: String, ids: [String]?, at: Date) throws -> Int
}
