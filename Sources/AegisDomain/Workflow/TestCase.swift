import Foundation

/// A purple-team test: one execution of a procedure for an ATT&CK technique,
/// with what red did, what blue saw, and both leads' sign-off.
///
/// On the wire and in the CLI this is a `test`; in Swift it is `TestCase`
/// because `Test` belongs to Swift Testing.
public struct TestCase: Sendable, Equatable {
    /// The longest `command`, in characters, given or rendered from a template.
    public static let maxCommandLength = 100_000

    /// Server-chosen id (`tst_...`).
    public var id: String
    /// Bumped by every change; mutations must quote it (`CONFLICT` if stale).
    public var version: Int
    public var techniqueID: String
    public var name: String
    public var procedure: String
    public var platform: String
    public var executor: String
    /// At most `maxCommandLength` characters.
    public var command: String
    public var expectedDetection: String
    /// User ids of the people on it (red and blue).
    public var assignees: [String]
    /// Host names, addresses or Caldera agent ids it runs on
    /// (`TestTargets`); part of the procedure, so blind mode hides them.
    public var targets: [String]
    /// Until red submits, everyone but red roles and admins sees only that
    /// the test exists (`Principal.seesBlindTestsBlind`).
    public var blind: Bool
    public var state: TestState
    /// Tests of one procedure share this: the template's id, or the first
    /// test of a retest chain.
    public var procedureID: String
    public var templateID: String?
    /// The test this one re-runs.
    public var retestOf: String?
    /// What an importer made it from (`TestSourceRef`), unique among
    /// tests; set at creation only, never copied to a retest.
    public var sourceRef: String?
    public var red: RedResult?
    public var blue: BlueResult?
    public var outcome: TestOutcome?
    public var redApproval: Approval?
    public var blueApproval: Approval?
    public var lastRejection: Rejection?
    /// Red's active-time clock: first start, the current run's start (nil
    /// while paused or stopped), and the seconds of earlier runs.
    public var startedAt: Date?
    public var runningSince: Date?
    public var activeSeconds: Double
    public var validatedAt: Date?
    public var cancelledAt: Date?
    public var cancelReason: String?
    public var reopenReason: String?
    public var remediation: Remediation
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date

    public init(
        id: String, version: Int = 1, techniqueID: String, name: String, procedure: String = "", platform: String = "",
        executor: String = "", command: String = "", expectedDetection: String = "", assignees: [String] = [],
        targets: [String] = [], blind: Bool = true, state: TestState = .draft, procedureID: String? = nil, templateID: String? = nil,
        retestOf: String? = nil, sourceRef: String? = nil, createdAt: Date, createdBy: String
    ) {
        self.id = id
        self.version = version
        self.techniqueID = techniqueID
        self.name = name
        self.procedure = procedure
        self.platform = platform
        self.executor = executor
        self.command = command
        self.expectedDetection = expectedDetection
        self.assignees = assignees
        self.targets = targets
        self.blind = blind
        self.state = state
        self.procedureID = procedureID ?? templateID ?? id
        self.templateID = templateID
        self.retestOf = retestOf
        self.sourceRef = sourceRef
        self.activeSeconds = 0
        self.remediation = Remediation()
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = createdAt
    }

    /// Red's active time at `now`: earlier runs plus the current one.
    public func activeSeconds(at now: Date) -> Double {
        activeSeconds + (runningSince.map { max(0, now.timeIntervalSince($0)) } ?? 0)
    }
}
