import Foundation

/// Users and their sessions. Passwords and tokens are stored as hashes only.
public protocol UserRepository {
    func insert(_ user: User, passwordHash: String) throws
    func update(_ user: User) throws
    func setPassword(userID: String, passwordHash: String, changedAt: Date) throws
    func user(id: String) throws -> User?
    func user(username: String) throws -> User?
    func passwordHash(userID: String) throws -> String?
    /// Ordered by username.
    func users(text: String?, role: Role?, includeDisabled: Bool, page: PageRequest) throws -> Page<User>
    /// Users holding `role` and not disabled.
    func userIDs(withRole role: Role) throws -> [String]

    func insertSession(_ session: Session, tokenHash: String) throws
    func session(tokenHash: String) throws -> Session?
    func revokeSession(id: String, at: Date) throws
    /// Revokes every open session of `userID` except `keeping`; returns how many.
    @discardableResult
    func revokeSessions(userID: String, except keeping: String?, at: Date) throws -> Int
}
