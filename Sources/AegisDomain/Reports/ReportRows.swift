import Foundation

/// How `report.test_results` groups tests.
public enum ResultsGrouping: String, Sendable, Codable, CaseIterable {
    case technique, tactic, month, state, platform
}

/// How `metrics.operational` groups tests. `team` is the remediation
/// owner (the team that fixes what was missed).
public enum MetricsGrouping: String, Sendable, Codable, CaseIterable {
    case tactic, month, team
}

/// Which tests a report counts: not cancelled, and attacked (or, never
/// started, created) in `[since, until)`.
public struct ReportPeriod: Sendable, Equatable {
    public var since: Date?
    public var until: Date?
    /// Tactics of this domain (for `tactic` groups).
    public var domain: String

    public init(since: Date?, until: Date?, domain: String) {
        self.since = since
        self.until = until
        self.domain = domain
    }
}

/// One group of `report.test_results`.
public struct ResultsRow: Sendable, Equatable, Codable {
    public var key: String
    public var tests: Int
    /// Red submitted.
    public var executed: Int
    public var validated: Int
    public var prevented: Int
    public var detected: Int
    public var logged: Int
    public var missed: Int

    public init(
        key: String, tests: Int, executed: Int, validated: Int, prevented: Int, detected: Int, logged: Int, missed: Int
    ) {
        self.key = key
        self.tests = tests
        self.executed = executed
        self.validated = validated
        self.prevented = prevented
        self.detected = detected
        self.logged = logged
        self.missed = missed
    }
}

/// One group of `metrics.operational`.
public struct MetricsRow: Sendable, Equatable, Codable {
    public var key: String
    /// Tests executed (red submitted) and validated in the period.
    public var executed: Int
    public var validated: Int
    /// Validated as detected or prevented, over validated (0-1; nil when none).
    public var detectionRate: Double?
    /// Mean seconds from attack start to detection, over tests with both.
    public var mttdSeconds: Double?
    public var mttdTests: Int
    /// Mean seconds from detection to remediation done, over tests with both.
    public var mttrSeconds: Double?
    public var mttrTests: Int

    public init(
        key: String, executed: Int, validated: Int, detectionRate: Double?, mttdSeconds: Double?, mttdTests: Int,
        mttrSeconds: Double?, mttrTests: Int
    ) {
        self.key = key
        self.executed = executed
        self.validated = validated
        self.detectionRate = detectionRate
        self.mttdSeconds = mttdSeconds
        self.mttdTests = mttdTests
        self.mttrSeconds = mttrSeconds
        self.mttrTests = mttrTests
    }

    enum CodingKeys: String, CodingKey {
        case key, executed, validated
        case detectionRate = "detection_rate"
        case mttdSeconds = "mttd_seconds"
        case mttdTests = "mttd_tests"
        case mttrSeconds = "mttr_seconds"
        case mttrTests = "mttr_tests"
    }
}

/// A missed or logged-only result that needs fixing: the latest validated
/// test of its procedure.
public struct RemediationItem: Sendable, Equatable, Codable {
    public var testID: String
    public var techniqueID: String
    public var name: String
    public var outcome: TestOutcome
    public var validatedAt: Date?
    public var owner: String?
    public var dueAt: Date?
    public var doneAt: Date?
    /// Not done and past due.
    public var overdue: Bool
    /// Ids of the countermeasures that address the technique, sorted.
    public var countermeasures: [String]

    public init(
        testID: String, techniqueID: String, name: String, outcome: TestOutcome, validatedAt: Date?, owner: String?,
        dueAt: Date?, doneAt: Date?, overdue: Bool, countermeasures: [String] = []
    ) {
        self.testID = testID
        self.techniqueID = techniqueID
        self.name = name
        self.outcome = outcome
        self.validatedAt = validatedAt
        self.owner = owner
        self.dueAt = dueAt
        self.doneAt = doneAt
        self.overdue = overdue
        self.countermeasures = countermeasures
    }

    enum CodingKeys: String, CodingKey {
        case name, outcome, owner, overdue, countermeasures
        case testID = "test_id"
        case techniqueID = "technique_id"
        case validatedAt = "validated_at"
        case dueAt = "due_at"
        case doneAt = "done_at"
    }
}

/// One test as the `tests` CSV export writes it.
public struct TestExportRow: Sendable, Equatable {
    public var id: String
    public var techniqueID: String
    /// Empty for a blind test red has not submitted, for callers who see
    /// blind tests blind.
    public var name: String
    public var blind: Bool
    public var redSubmitted: Bool
    public var state: String
    public var outcome: String?
    public var platform: String
    /// The test's targets; hidden like `name`.
    public var targets: [String]
    public var createdAt: Date
    public var attackStartedAt: Date?
    public var detectedAt: Date?
    public var validatedAt: Date?
    public var remediationOwner: String?
    public var remediationDueAt: Date?
    public var remediatedAt: Date?

    public init(
        id: String, techniqueID: String, name: String, blind: Bool, redSubmitted: Bool, state: String, outcome: String?,
        platform: String, targets: [String] = [], createdAt: Date, attackStartedAt: Date?, detectedAt: Date?,
        validatedAt: Date?, remediationOwner: String?, remediationDueAt: Date?, remediatedAt: Date?
    ) {
        self.id = id
        self.techniqueID = techniqueID
        self.name = name
        self.blind = blind
        self.redSubmitted = redSubmitted
        self.state = state
        self.outcome = outcome
        self.platform = platform
        self.targets = targets
        self.createdAt = createdAt
        self.attackStartedAt = attackStartedAt
        self.detectedAt = detectedAt
        self.validatedAt = validatedAt
        self.remediationOwner = remediationOwner
        self.remediationDueAt = remediationDueAt
        self.remediatedAt = remediatedAt
    }
}
