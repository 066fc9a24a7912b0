import AegisDomain
import Foundation

/// What the Aegis test made from one finished Caldera link holds: the
/// fields of `test.create`, red's submission and red's evidence file.
/// `linkID` is its key: a link becomes one test, once.
public struct LinkIntakePlan: Sendable, Equatable {
    public var linkID: String
    public var operationID: String
    public var operationName: String
    /// The catalog's technique: the link's ability's, or its parent's.
    public var techniqueID: String
    public var name: String
    public var procedure: String
    public var platform: String
    public var executor: String
    public var command: String
    /// The agent's host (else its paw) as the test's target.
    public var targets: [String]
    public var red: Red
    /// What the link printed; nil when it printed nothing.
    public var evidence: Evidence?
    /// Notes for people about how the link was read (parent technique,
    /// timeout, adjusted times).
    public var notes: [String]

    /// `test.submit_red`'s parameters.
    public struct Red: Sendable, Equatable {
        public var outcome: RedResult.Outcome
        public var attackStartedAt: Date?
        public var attackStoppedAt: Date?
        public var commands: [String]
        public var notes: String
    }

    /// A red evidence file.
    public struct Evidence: Sendable, Equatable {
        public var filename: String
        public var caption: String
        public var content: Data
    }
}

/// What to do with one link at one look.
public enum LinkIntakeDecision: Sendable, Equatable {
    /// Import it as this test.
    case importing(LinkIntakePlan)
    /// Not finished yet: look again later.
    case pending(linkID: String, reason: String)
    /// Never importable as it is (reported, not retried).
    case skipped(linkID: String, reason: String)
}
