import Foundation

/// The append-only audit trail.
public protocol AuditRepository {
    func append(_ entry: AuditEntry) throws
    func entries(matching query: AuditQuery) throws -> Page<AuditEntry>
    /// How many `auth.login_failed` entries have the sign-in key `key` as
    /// their entity id since `since`, and the oldest of them (for the login
    /// rate limit).
    func loginFailures(key: String, since: Date) throws -> (count: Int, oldest: Date?)
}
