import Foundation

/// A file of the rules directory as last synced: the rules it holds, and
/// why it failed when it did (its rules' previous definitions stay in force).
public struct RuleSource: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case synced
        case failed
    }

    /// Path relative to the rules directory.
    public var name: String
    public var status: Status
    public var error: String?
    public var ruleIDs: [String]
    /// Hex SHA-256 of the content last read, to skip unchanged files.
    public var contentSHA256: String?
    public var syncedAt: Date

    public init(
        name: String, status: Status, error: String? = nil, ruleIDs: [String], contentSHA256: String? = nil,
        syncedAt: Date
    ) {
        self.name = name
        self.status = status
        self.error = error
        self.ruleIDs = ruleIDs
        self.contentSHA256 = contentSHA256
        self.syncedAt = syncedAt
    }
}
