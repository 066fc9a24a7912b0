import Foundation

/// A rule's operational state, set by a blue lead: whether it fires, and how
/// confidently. An expired state reverts to `enabled`, never to `disabled`.
public struct RuleState: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Fires at the confidence its level gives.
        case enabled
        /// Does not fire.
        case disabled
        /// Fires, with confidence capped at `confidenceMax`.
        case clipped
    }

    public var kind: Kind
    /// The cap for `clipped`, 0...100; nil otherwise.
    public var confidenceMax: Int?
    /// When the state reverts to `enabled` by itself; nil for never.
    public var expiresAt: Date?
    public var reason: String?
    /// Principal that set it; nil for the default and for an automatic revert.
    public var setBy: String?
    public var setAt: Date?

    public init(
        kind: Kind, confidenceMax: Int? = nil, expiresAt: Date? = nil, reason: String? = nil,
        setBy: String? = nil, setAt: Date? = nil
    ) {
        self.kind = kind
        self.confidenceMax = confidenceMax
        self.expiresAt = expiresAt
        self.reason = reason
        self.setBy = setBy
        self.setAt = setAt
    }

    /// The state of a rule nobody has set a state for.
    public static let `default` = RuleState(kind: .enabled)

    /// Whether a rule in this state fires.
    public var fires: Bool { kind != .disabled }

    /// The state in force at `now`: an expired state is `enabled`.
    public func inForce(at now: Date) -> RuleState {
        if let expiresAt, expiresAt <= now { return .default }
        return self
    }
}
