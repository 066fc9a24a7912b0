import Foundation

/// What the red side reports when it submits.
public struct RedResult: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// The procedure ran.
        case executed
        /// A control stopped it from running at all.
        case blockedOnExecution = "blocked_on_execution"
        /// It did not run for reasons of its own (broken, wrong target).
        case failed
    }

    public var outcome: Outcome
    public var attackStartedAt: Date?
    public var attackStoppedAt: Date?
    public var commands: [String]
    public var notes: String
    public var submittedAt: Date
    public var submittedBy: String

    public init(
        outcome: Outcome, attackStartedAt: Date?, attackStoppedAt: Date?, commands: [String], notes: String,
        submittedAt: Date, submittedBy: String
    ) {
        self.outcome = outcome
        self.attackStartedAt = attackStartedAt
        self.attackStoppedAt = attackStoppedAt
        self.commands = commands
        self.notes = notes
        self.submittedAt = submittedAt
        self.submittedBy = submittedBy
    }

    enum CodingKeys: String, CodingKey {
        case outcome, commands, notes
        case attackStartedAt = "attack_started_at"
        case attackStoppedAt = "attack_stopped_at"
        case submittedAt = "submitted_at"
        case submittedBy = "submitted_by"
    }
}

/// What the blue side reports when it submits.
public struct BlueResult: Sendable, Equatable, Codable {
    public enum Prevention: String, Sendable, Codable, CaseIterable {
        case none
        case partial
        case full
    }

    public enum Severity: String, Sendable, Codable, CaseIterable {
        case informational, low, medium, high, critical
    }

    public var prevented: Prevention
    public var alerted: Bool
    public var alertSeverity: Severity?
    public var logged: Bool
    public var detectedAt: Date?
    public var detectingTools: [String]
    public var notes: String
    public var submittedAt: Date
    public var submittedBy: String

    public init(
        prevented: Prevention, alerted: Bool, alertSeverity: Severity?, logged: Bool, detectedAt: Date?,
        detectingTools: [String], notes: String, submittedAt: Date, submittedBy: String
    ) {
        self.prevented = prevented
        self.alerted = alerted
        self.alertSeverity = alertSeverity
        self.logged = logged
        self.detectedAt = detectedAt
        self.detectingTools = detectingTools
        self.notes = notes
        self.submittedAt = submittedAt
        self.submittedBy = submittedBy
    }

    enum CodingKeys: String, CodingKey {
        case prevented, alerted, logged, notes
        case alertSeverity = "alert_severity"
        case detectedAt = "detected_at"
        case detectingTools = "detecting_tools"
        case submittedAt = "submitted_at"
        case submittedBy = "submitted_by"
    }
}

/// The result of a test, derived from the blue side's findings:
/// prevented > detected > logged > missed.
public enum TestOutcome: String, Sendable, Codable, CaseIterable, Comparable {
    case missed
    case logged
    case detected
    case prevented

    /// Full prevention is `prevented`; otherwise an alert is `detected`, a
    /// log entry `logged`, and nothing `missed`. Partial prevention ranks
    /// with what was seen, since part of the attack got through.
    public static func derive(from blue: BlueResult) -> TestOutcome {
        if blue.prevented == .full { return .prevented }
        if blue.alerted { return .detected }
        if blue.logged { return .logged }
        return .missed
    }

    public static func < (lhs: TestOutcome, rhs: TestOutcome) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// A lead's sign-off.
public struct Approval: Sendable, Equatable, Codable {
    public var by: String
    public var at: Date

    public init(by: String, at: Date) {
        self.by = by
        self.at = at
    }
}

/// The last time a lead sent work back.
public struct Rejection: Sendable, Equatable, Codable {
    public var side: TeamSide
    public var reason: String
    public var by: String
    public var at: Date

    public init(side: TeamSide, reason: String, by: String, at: Date) {
        self.side = side
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// Remediation of a missed or logged-only result: who fixes it, by when,
/// and when it was done (MTTR runs from detection to `doneAt`).
public struct Remediation: Sendable, Equatable, Codable {
    public var owner: String?
    public var dueAt: Date?
    public var doneAt: Date?

    public init(owner: String? = nil, dueAt: Date? = nil, doneAt: Date? = nil) {
        self.owner = owner
        self.dueAt = dueAt
        self.doneAt = doneAt
    }

    enum CodingKeys: String, CodingKey {
        case owner
        case dueAt = "due_at"
        case doneAt = "done_at"
    }
}
