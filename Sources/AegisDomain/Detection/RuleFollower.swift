/// One engine's place in the rule change stream: applies changes in
/// revision order and asks for a full reload when it sees a gap. Pure; the
/// caller reads the store and applies what it is told to.
public struct RuleFollower: Sendable, Equatable {
    /// The last revision applied (0 before any).
    public private(set) var applied: Int64

    public enum Action: Sendable, Equatable {
        /// Already applied (a repeat, or older than the last reload).
        case ignore
        /// The next change in order: apply it.
        case apply(RuleChange)
        /// Changes were missed: load every rule again, then `reloaded(at:)`.
        case reload
    }

    public init(applied: Int64 = 0) { self.applied = applied }

    /// What to do about an announced change.
    public mutating func observe(_ change: RuleChange) -> Action {
        if change.revision <= applied { return .ignore }
        guard change.revision == applied + 1 else { return .reload }
        applied = change.revision
        return .apply(change)
    }

    /// Every rule was loaded as of `revision`.
    public mutating func reloaded(at revision: Int64) { applied = max(applied, revision) }
}
