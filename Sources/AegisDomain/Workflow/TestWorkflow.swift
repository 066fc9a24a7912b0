import Foundation

/// A move of the test state machine.
public enum TestAction: Sendable, Equatable {
    /// What red reports with `submitRed`.
    public struct RedSubmission: Sendable, Equatable {
        public var outcome: RedResult.Outcome
        public var attackStartedAt: Date?
        public var attackStoppedAt: Date?
        public var commands: [String]
        public var notes: String

        public init(
            outcome: RedResult.Outcome, attackStartedAt: Date? = nil, attackStoppedAt: Date? = nil,
            commands: [String] = [], notes: String = ""
        ) {
            self.outcome = outcome
            self.attackStartedAt = attackStartedAt
            self.attackStoppedAt = attackStoppedAt
            self.commands = commands
            self.notes = notes
        }
    }

    /// What blue reports with `submitBlue`.
    public struct BlueSubmission: Sendable, Equatable {
        public var prevented: BlueResult.Prevention
        public var alerted: Bool
        public var alertSeverity: BlueResult.Severity?
        public var logged: Bool
        public var detectedAt: Date?
        public var detectingTools: [String]
        public var notes: String

        public init(
            prevented: BlueResult.Prevention = .none, alerted: Bool = false, alertSeverity: BlueResult.Severity? = nil,
            logged: Bool = false, detectedAt: Date? = nil, detectingTools: [String] = [], notes: String = ""
        ) {
            self.prevented = prevented
            self.alerted = alerted
            self.alertSeverity = alertSeverity
            self.logged = logged
            self.detectedAt = detectedAt
            self.detectingTools = detectingTools
            self.notes = notes
        }
    }

    case markReady
    case start
    case pause
    case resume
    case submitRed(RedSubmission)
    case startReview
    case submitBlue(BlueSubmission)
    case approve(TeamSide)
    case reject(TeamSide, reason: String)
    case reopen(reason: String)
    case cancel(reason: String?)

    /// The wire name (`test.<name>`), also the audit action.
    public var name: String {
        switch self {
        case .markReady: "mark_ready"
        case .start: "start"
        case .pause: "pause"
        case .resume: "resume"
        case .submitRed: "submit_red"
        case .startReview: "start_review"
        case .submitBlue: "submit_blue"
        case .approve: "approve"
        case .reject: "reject"
        case .reopen: "reopen"
        case .cancel: "cancel"
        }
    }
}

/// The test state machine: pure, deterministic, no I/O. Every move checks
/// the state it starts from and throws `INVALID_TRANSITION` (with
/// `details.from` and `details.to`) when the move is not allowed there.
///
/// ```
/// draft -> ready -> red_running <-> red_paused -> blue_pending -> blue_review
///   -> awaiting_validation -> validated      (red lead and blue lead approve)
/// awaiting_validation --reject red--> red_running, --reject blue--> blue_review
/// validated --reopen--> awaiting_validation
/// any state before validated --cancel--> cancelled
/// ```
public enum TestWorkflow {
    /// Where `action` leads when allowed (what `details.to` names).
    public static func target(of action: TestAction, from state: TestState) -> TestState {
        switch action {
        case .markReady: .ready
        case .start, .resume: .redRunning
        case .pause: .redPaused
        case .submitRed: .bluePending
        case .startReview: .blueReview
        case .submitBlue: .awaitingValidation
        case .approve: .validated
        case .reject(let side, _): side == .red ? .redRunning : .blueReview
        case .reopen: .awaitingValidation
        case .cancel: .cancelled
        }
    }

    /// The states `action` may start from.
    public static func sources(of action: TestAction) -> Set<TestState> {
        switch action {
        case .markReady: [.draft]
        case .start: [.ready]
        case .pause: [.redRunning]
        case .resume: [.redPaused]
        case .submitRed: [.redRunning, .redPaused]
        case .startReview: [.bluePending]
        case .submitBlue: [.blueReview]
        case .approve, .reject: [.awaitingValidation]
        case .reopen: [.validated]
        case .cancel: Set(TestState.allCases.filter(\.isOpen))
        }
    }

    /// Applies `action` by `actor` at `now`; the version is bumped.
    public static func apply(
        _ action: TestAction, to test: TestCase, by actor: String, at now: Date
    ) throws(AegisError) -> TestCase {
        guard sources(of: action).contains(test.state) else {
            throw invalidTransition(from: test.state, to: target(of: action, from: test.state), action: action)
        }
        var next = test
        next.version += 1
        next.updatedAt = now
        switch action {
        case .markReady:
            next.state = .ready
        case .start:
            next.state = .redRunning
            next.startedAt = next.startedAt ?? now
            next.runningSince = now
        case .pause:
            next.activeSeconds = test.activeSeconds(at: now)
            next.runningSince = nil
            next.state = .redPaused
        case .resume:
            next.runningSince = now
            next.state = .redRunning
        case .submitRed(let s):
            if let start = s.attackStartedAt, let stop = s.attackStoppedAt, stop < start {
                throw AegisError.invalidArgument("attack_stopped_at", "attack_stopped_at is before attack_started_at")
            }
            try limitText(s.notes, field: "notes", max: 20_000)
            try limitList(s.commands, field: "commands", maxItems: 200, maxLength: 20_000)
            next.activeSeconds = test.activeSeconds(at: now)
            next.runningSince = nil
            next.red = RedResult(
                outcome: s.outcome, attackStartedAt: s.attackStartedAt, attackStoppedAt: s.attackStoppedAt,
                commands: s.commands, notes: s.notes, submittedAt: now, submittedBy: actor)
            next.state = .bluePending
        case .startReview:
            next.state = .blueReview
        case .submitBlue(let s):
            if s.alertSeverity != nil && !s.alerted {
                throw AegisError.invalidArgument("alert_severity", "alert_severity needs alerted: true")
            }
            if let detected = s.detectedAt, let started = test.red?.attackStartedAt, detected < started {
                throw AegisError.invalidArgument("detected_at", "detected_at is before the attack started")
            }
            try limitText(s.notes, field: "notes", max: 20_000)
            try limitList(s.detectingTools, field: "detecting_tools", maxItems: 50, maxLength: 200)
            let blue = BlueResult(
                prevented: s.prevented, alerted: s.alerted, alertSeverity: s.alertSeverity, logged: s.logged,
                detectedAt: s.detectedAt, detectingTools: s.detectingTools, notes: s.notes, submittedAt: now,
                submittedBy: actor)
            next.blue = blue
            next.outcome = TestOutcome.derive(from: blue)
            next.state = .awaitingValidation
        case .approve(let side):
            let already = side == .red ? test.redApproval : test.blueApproval
            guard already == nil else {
                throw AegisError(
                    .failedPrecondition, "the \(side.rawValue) side has already approved this test",
                    details: ["side": .string(side.rawValue)])
            }
            let other = side == .red ? test.blueApproval : test.redApproval
            guard other?.by != actor else {
                throw AegisError(
                    .failedPrecondition, "dual validation needs two people: you approved the other side",
                    details: ["side": .string(side.rawValue)])
            }
            let approval = Approval(by: actor, at: now)
            if side == .red { next.redApproval = approval } else { next.blueApproval = approval }
            if next.redApproval != nil && next.blueApproval != nil {
                next.state = .validated
                next.validatedAt = now
            }
        case .reject(let side, let reason):
            try requireReason(reason)
            next.redApproval = nil
            next.blueApproval = nil
            next.lastRejection = Rejection(side: side, reason: reason, by: actor, at: now)
            // Blue's findings no longer stand: red runs again (and blue must
            // look again), or blue reviews again.
            next.blue = nil
            next.outcome = nil
            if side == .red {
                next.state = .redRunning
                next.runningSince = now
            } else {
                next.state = .blueReview
            }
        case .reopen(let reason):
            try requireReason(reason)
            next.redApproval = nil
            next.blueApproval = nil
            next.validatedAt = nil
            next.reopenReason = reason
            next.state = .awaitingValidation
        case .cancel(let reason):
            let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
            try limitText(reason ?? "", field: "reason", max: 4000)
            next.activeSeconds = test.activeSeconds(at: now)
            next.runningSince = nil
            next.cancelledAt = now
            next.cancelReason = reason?.isEmpty == false ? reason : nil
            next.state = .cancelled
        }
        return next
    }

    /// Whether the test's fields may still be edited (`test.update`).
    public static func isEditable(_ state: TestState) -> Bool { state == .draft || state == .ready }

    static func invalidTransition(from: TestState, to: TestState, action: TestAction) -> AegisError {
        AegisError(
            .invalidTransition, "cannot \(action.name) a test that is \(from.rawValue)",
            details: ["from": .string(from.rawValue), "to": .string(to.rawValue), "action": .string(action.name)])
    }

    private static func limitText(_ text: String, field: String, max: Int) throws(AegisError) {
        guard text.count <= max else { throw AegisError.invalidArgument(field, "\(field) is longer than \(max) characters") }
    }

    private static func limitList(_ items: [String], field: String, maxItems: Int, maxLength: Int) throws(AegisError) {
        guard items.count <= maxItems else { throw AegisError.invalidArgument(field, "\(field) holds more than \(maxItems) items") }
        for (i, item) in items.enumerated() { try limitText(item, field: "\(field)[\(i)]", max: maxLength) }
    }

    private static func requireReason(_ reason: String) throws(AegisError) {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AegisError.invalidArgument("reason", "a reason is required")
        }
        guard reason.count <= 4000 else { throw AegisError.invalidArgument("reason", "reason is longer than 4000 characters") }
    }
}
