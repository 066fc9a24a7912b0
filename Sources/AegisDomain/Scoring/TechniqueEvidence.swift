import Foundation

/// What a technique's score is computed from: its procedures' latest
/// validated outcomes, how fresh they are, its detection rules that fire
/// and its visibility. Each procedure counts once, by its latest validated test.
public struct TechniqueEvidence: Sendable, Equatable {
    public var techniqueID: String
    /// Procedures with a validated outcome.
    public var procedures: Int
    public var prevented: Int
    public var detected: Int
    public var logged: Int
    public var missed: Int
    /// The sum over those procedures of each one's freshness (0-1).
    public var freshness: Double
    /// Detection rules mapped to the technique that fire (enabled or
    /// clipped), every format.
    public var firingRules: Int
    /// 0-4, nil when nobody set or derived it.
    public var visibility: Int?
    public var visibilitySource: VisibilitySource?

    public init(
        techniqueID: String, procedures: Int = 0, prevented: Int = 0, detected: Int = 0, logged: Int = 0, missed: Int = 0,
        freshness: Double = 0, firingRules: Int = 0, visibility: Int? = nil, visibilitySource: VisibilitySource? = nil
    ) {
        self.techniqueID = techniqueID
        self.procedures = procedures
        self.prevented = prevented
        self.detected = detected
        self.logged = logged
        self.missed = missed
        self.freshness = freshness
        self.firingRules = firingRules
        self.visibility = visibility
        self.visibilitySource = visibilitySource
    }
}

/// Where a technique's visibility level comes from.
public enum VisibilitySource: String, Sendable, Codable {
    /// Set by hand (`visibility.set`); wins over a derived level.
    case manual
    /// Derived from the data components the team collects.
    case derived
}

/// How fresh a validation is: 1 when validated now, falling linearly to 0
/// at `horizonDays` old (docs/SCORING.md).
public enum Freshness {
    public static let horizonDays = 365

    public static func of(validatedAt: Date, now: Date, horizonDays: Int = horizonDays) -> Double {
        let age = now.timeIntervalSince(validatedAt) / 86_400
        return min(1, max(0, 1 - age / Double(horizonDays)))
    }
}
