@testable import AegisDomain
import Foundation
import Testing

// The test state machine (TestWorkflow) is pure: every case here builds a
// TestCase in memory and applies actions at explicit times.

private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

/// `seconds` after t0.
private func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

/// A fresh draft test, created at t0.
private func draftTest(blind: Bool = true) -> TestCase {
    TestCase(
        id: "tst_1", techniqueID: "T1059.001", name: "PowerShell download cradle", procedure: "IEX (New-Object ...)",
        blind: blind, createdAt: t0, createdBy: "user:creator")
}

/// Applies `action` or records the test as failed (and returns the input).
private func step(
    _ test: TestCase, _ action: TestAction, by actor: String = "user:someone", at now: Date,
    sourceLocation: SourceLocation = #_sourceLocation
) -> TestCase {
    do {
        return try TestWorkflow.apply(action, to: test, by: actor, at: now)
    } catch {
        Issue.record("\(action.name) from \(test.state.rawValue) failed: \(error)", sourceLocation: sourceLocation)
        return test
    }
}

/// The error `action` throws, or nil (recording an issue) if it succeeds.
private func failure(
    _ test: TestCase, _ action: TestAction, by actor: String = "user:someone", at now: Date = at(1_000),
    sourceLocation: SourceLocation = #_sourceLocation
) -> AegisError? {
    do {
        let next = try TestWorkflow.apply(action, to: test, by: actor, at: now)
        Issue.record(
            "\(action.name) from \(test.state.rawValue) succeeded (now \(next.state.rawValue)); expected an error",
            sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

private let redSubmission = TestAction.RedSubmission(
    outcome: .executed, attackStartedAt: at(21), attackStoppedAt: at(24), commands: ["powershell -enc AAAA"],
    notes: "ran as svc account")
private let blueSubmission = TestAction.BlueSubmission(
    prevented: .none, alerted: true, alertSeverity: .high, logged: true, detectedAt: at(30), detectingTools: ["EDR"],
    notes: "alert fired")

/// A test walked through the real workflow to `state`, one step each 10 s
/// after t0 (start at t0+10). Approvals by `user:red-lead` and `user:blue-lead`.
private func test(in state: TestState, blind: Bool = true) -> TestCase {
    var t = draftTest(blind: blind)
    func go(_ action: TestAction, _ seconds: Double, by actor: String = "user:someone") {
        t = step(t, action, by: actor, at: at(seconds))
    }
    switch state {
    case .draft: return t
    case .cancelled:
        go(.cancel(reason: "not needed"), 5)
        return t
    default: break
    }
    go(.markReady, 5)
    if state == .ready { return t }
    go(.start, 10)
    if state == .redRunning { return t }
    if state == .redPaused {
        go(.pause, 20)
        return t
    }
    go(.submitRed(redSubmission), 25, by: "user:red-op")
    if state == .bluePending { return t }
    go(.startReview, 30, by: "user:blue-analyst")
    if state == .blueReview { return t }
    go(.submitBlue(blueSubmission), 40, by: "user:blue-analyst")
    if state == .awaitingValidation { return t }
    go(.approve(.red), 50, by: "user:red-lead")
    go(.approve(.blue), 60, by: "user:blue-lead")
    #expect(t.state == .validated)
    return t
}

// MARK: - The transition matrix

/// One sample action, with what the workflow should do with it, written
/// out here rather than read from `TestWorkflow.sources` so that a change
/// to the machine shows up as a failure.
struct WorkflowActionSample: Sendable, CustomTestStringConvertible {
    let label: String
    let action: TestAction
    /// States it is allowed from.
    let from: Set<TestState>
    /// What `details.to` names (`TestWorkflow.target`).
    let target: TestState
    /// Where a test built by `test(in:)` actually lands (differs from
    /// `target` only for a first approval).
    let lands: TestState

    init(_ label: String, _ action: TestAction, from: Set<TestState>, to target: TestState, lands: TestState? = nil) {
        self.label = label
        self.action = action
        self.from = from
        self.target = target
        self.lands = lands ?? target
    }

    var testDescription: String { label }

    static let open: Set<TestState> = [
        .draft, .ready, .redRunning, .redPaused, .bluePending, .blueReview, .awaitingValidation,
    ]

    static let all: [WorkflowActionSample] = [
        .init("mark_ready", .markReady, from: [.draft], to: .ready),
        .init("start", .start, from: [.ready], to: .redRunning),
        .init("pause", .pause, from: [.redRunning], to: .redPaused),
        .init("resume", .resume, from: [.redPaused], to: .redRunning),
        .init("submit_red", .submitRed(redSubmission), from: [.redRunning, .redPaused], to: .bluePending),
        .init(
            "submit_red(failed, no times)", .submitRed(.init(outcome: .failed)), from: [.redRunning, .redPaused],
            to: .bluePending),
        .init("start_review", .startReview, from: [.bluePending], to: .blueReview),
        .init("submit_blue", .submitBlue(blueSubmission), from: [.blueReview], to: .awaitingValidation),
        .init("submit_blue(nothing)", .submitBlue(.init()), from: [.blueReview], to: .awaitingValidation),
        .init("approve red", .approve(.red), from: [.awaitingValidation], to: .validated, lands: .awaitingValidation),
        .init("approve blue", .approve(.blue), from: [.awaitingValidation], to: .validated, lands: .awaitingValidation),
        .init("reject red", .reject(.red, reason: "commands missing"), from: [.awaitingValidation], to: .redRunning),
        .init("reject blue", .reject(.blue, reason: "no tool named"), from: [.awaitingValidation], to: .blueReview),
        .init("reopen", .reopen(reason: "alert was a false positive"), from: [.validated], to: .awaitingValidation),
        .init("cancel with reason", .cancel(reason: "host decommissioned"), from: open, to: .cancelled),
        .init("cancel without reason", .cancel(reason: nil), from: open, to: .cancelled),
    ]
}

@Suite struct TransitionMatrixTests {
    @Test(arguments: WorkflowActionSample.all, TestState.allCases)
    func everyActionFromEveryState(sample: WorkflowActionSample, state: TestState) throws {
        let before = test(in: state)
        try #require(before.state == state)
        let now = at(5_000)
        #expect(TestWorkflow.sources(of: sample.action).contains(state) == sample.from.contains(state))
        #expect(TestWorkflow.target(of: sample.action, from: state) == sample.target)
        if sample.from.contains(state) {
            let next = try TestWorkflow.apply(sample.action, to: before, by: "user:actor", at: now)
            #expect(next.state == sample.lands)
            #expect(next.version == before.version + 1)
            #expect(next.updatedAt == now)
            // Identity and content never change with a move.
            #expect(next.id == before.id)
            #expect(next.techniqueID == before.techniqueID)
            #expect(next.createdAt == before.createdAt)
            #expect(next.procedure == before.procedure)
        } else {
            let error = try #require(failure(before, sample.action, by: "user:actor", at: now))
            #expect(error.code == .invalidTransition)
            #expect(error.code.rawValue == "INVALID_TRANSITION")
            #expect(error.details["from"] == .string(state.rawValue))
            #expect(error.details["to"] == .string(TestWorkflow.target(of: sample.action, from: state).rawValue))
            #expect(error.details["to"] == .string(sample.target.rawValue))
            #expect(error.details["action"] == .string(sample.action.name))
            #expect(error.message.contains(state.rawValue))
        }
    }

    @Test func sourcesAreExactlyTheDocumentedOnes() {
        for sample in WorkflowActionSample.all {
            #expect(TestWorkflow.sources(of: sample.action) == sample.from, "\(sample.label)")
        }
    }

    @Test func everyStateHasSomeWayOut() {
        // Each state but cancelled is the source of at least one move.
        for state in TestState.allCases where state != .cancelled {
            #expect(WorkflowActionSample.all.contains { TestWorkflow.sources(of: $0.action).contains(state) }, "\(state)")
        }
        #expect(!WorkflowActionSample.all.contains { TestWorkflow.sources(of: $0.action).contains(.cancelled) })
    }

    @Test func wireNamesOfActions() {
        let names: [(TestAction, String)] = [
            (.markReady, "mark_ready"), (.start, "start"), (.pause, "pause"), (.resume, "resume"),
            (.submitRed(redSubmission), "submit_red"), (.startReview, "start_review"),
            (.submitBlue(blueSubmission), "submit_blue"), (.approve(.red), "approve"), (.approve(.blue), "approve"),
            (.reject(.red, reason: "x"), "reject"), (.reopen(reason: "x"), "reopen"), (.cancel(reason: nil), "cancel"),
        ]
        for (action, name) in names { #expect(action.name == name) }
    }

    @Test func wireNamesOfStates() {
        #expect(TestState.allCases.map(\.rawValue) == [
            "draft", "ready", "red_running", "red_paused", "blue_pending", "blue_review", "awaiting_validation",
            "validated", "cancelled",
        ])
    }

    @Test func stateCheckComesBeforeArgumentChecks() throws {
        // A malformed submission to the wrong state is an invalid transition,
        // not an invalid argument.
        let bad = TestAction.submitRed(.init(outcome: .executed, attackStartedAt: at(10), attackStoppedAt: at(5)))
        let e1 = try #require(failure(test(in: .draft), bad))
        #expect(e1.code == .invalidTransition)
        let e2 = try #require(failure(test(in: .ready), .submitBlue(.init(alertSeverity: .low))))
        #expect(e2.code == .invalidTransition)
        let e3 = try #require(failure(test(in: .redRunning), .reject(.red, reason: "")))
        #expect(e3.code == .invalidTransition)
        let e4 = try #require(failure(test(in: .awaitingValidation), .reopen(reason: "")))
        #expect(e4.code == .invalidTransition)
    }

    @Test func happyPathVersionsCountEveryMove() {
        let validated = test(in: .validated)
        // mark_ready, start, submit_red, start_review, submit_blue, approve, approve.
        #expect(validated.version == 8)
        #expect(validated.updatedAt == at(60))
    }

    @Test func editableOnlyWhileDraftOrReady() {
        for state in TestState.allCases {
            #expect(TestWorkflow.isEditable(state) == (state == .draft || state == .ready), "\(state)")
        }
    }
}

// MARK: - The active-time clock

@Suite struct ActiveTimeClockTests {
    @Test func pauseResumeSubmitCountsOnlyRunningTime() {
        var t = test(in: .ready)
        #expect(t.startedAt == nil && t.runningSince == nil && t.activeSeconds == 0)
        #expect(t.activeSeconds(at: at(100)) == 0)

        t = step(t, .start, at: t0)
        #expect(t.startedAt == t0)
        #expect(t.runningSince == t0)
        #expect(t.activeSeconds == 0)
        #expect(t.activeSeconds(at: at(7)) == 7)

        t = step(t, .pause, at: at(10))
        #expect(t.activeSeconds == 10)
        #expect(t.runningSince == nil)
        #expect(t.activeSeconds(at: at(19)) == 10)

        t = step(t, .resume, at: at(20))
        #expect(t.runningSince == at(20))
        #expect(t.startedAt == t0, "the first start is kept")
        #expect(t.activeSeconds(at: at(22)) == 12)

        t = step(t, .submitRed(.init(outcome: .executed)), at: at(25))
        #expect(t.activeSeconds == 15)
        #expect(t.runningSince == nil)
        #expect(t.activeSeconds(at: at(10_000)) == 15, "the clock stops on submission")
        #expect(t.startedAt == t0)
    }

    @Test func submittingWhilePausedKeepsThePausedTotal() {
        var t = test(in: .ready)
        t = step(t, .start, at: t0)
        t = step(t, .pause, at: at(10))
        t = step(t, .submitRed(.init(outcome: .executed)), at: at(500))
        #expect(t.state == .bluePending)
        #expect(t.activeSeconds == 10)
        #expect(t.runningSince == nil)
    }

    @Test func severalPausesAddUp() {
        var t = test(in: .ready)
        t = step(t, .start, at: t0)
        t = step(t, .pause, at: at(3))
        t = step(t, .resume, at: at(10))
        t = step(t, .pause, at: at(14))
        t = step(t, .resume, at: at(100))
        t = step(t, .pause, at: at(101))
        #expect(t.activeSeconds == 8)
    }

    @Test func readingBeforeTheRunStartedNeverGoesBackwards() {
        var t = test(in: .ready)
        t = step(t, .start, at: at(100))
        // A clock read slightly earlier (skew) counts nothing for this run.
        #expect(t.activeSeconds(at: at(90)) == 0)
    }

    @Test func cancelWhileRunningStopsTheClock() {
        var t = test(in: .ready)
        t = step(t, .start, at: t0)
        t = step(t, .cancel(reason: "host down"), at: at(30))
        #expect(t.state == .cancelled)
        #expect(t.activeSeconds == 30)
        #expect(t.runningSince == nil)
        #expect(t.activeSeconds(at: at(1_000)) == 30)
    }

    @Test func cancelWhilePausedKeepsThePausedTotal() {
        var t = test(in: .ready)
        t = step(t, .start, at: t0)
        t = step(t, .pause, at: at(12))
        t = step(t, .cancel(reason: nil), at: at(400))
        #expect(t.activeSeconds == 12)
        #expect(t.runningSince == nil)
    }

    @Test func rejectRedRestartsTheRunningClock() {
        var t = test(in: .ready)
        t = step(t, .start, at: t0)
        t = step(t, .submitRed(.init(outcome: .executed)), at: at(15))
        t = step(t, .startReview, at: at(20))
        t = step(t, .submitBlue(.init(logged: true)), at: at(30))
        #expect(t.activeSeconds == 15)
        t = step(t, .reject(.red, reason: "rerun with logging on"), by: "user:red-lead", at: at(100))
        #expect(t.state == .redRunning)
        #expect(t.runningSince == at(100))
        #expect(t.startedAt == t0)
        #expect(t.activeSeconds(at: at(104)) == 19)
        t = step(t, .submitRed(.init(outcome: .executed)), at: at(110))
        #expect(t.activeSeconds == 25)
        #expect(t.runningSince == nil)
    }

    @Test func rejectBlueLeavesTheClockStopped() {
        var t = test(in: .awaitingValidation)
        let before = t.activeSeconds
        t = step(t, .reject(.blue, reason: "which tool?"), at: at(1_000))
        #expect(t.runningSince == nil)
        #expect(t.activeSeconds(at: at(2_000)) == before)
    }

    @Test func steppedTestHasFifteenSecondsOfRedTime() {
        // test(in:) starts at t0+10 and submits at t0+25.
        #expect(test(in: .bluePending).activeSeconds == 15)
        #expect(test(in: .validated).activeSeconds(at: at(9_999)) == 15)
        #expect(test(in: .redPaused).activeSeconds == 10)
        #expect(test(in: .redRunning).activeSeconds(at: at(13)) == 3)
    }
}

// MARK: - Red submission

@Suite struct SubmitRedTests {
    @Test func recordsWhatRedReportedAndWho() {
        let t = step(test(in: .redRunning), .submitRed(redSubmission), by: "user:red-op", at: at(25))
        #expect(t.state == .bluePending)
        let red = t.red
        #expect(red?.outcome == .executed)
        #expect(red?.attackStartedAt == at(21))
        #expect(red?.attackStoppedAt == at(24))
        #expect(red?.commands == ["powershell -enc AAAA"])
        #expect(red?.notes == "ran as svc account")
        #expect(red?.submittedAt == at(25))
        #expect(red?.submittedBy == "user:red-op")
        #expect(t.blue == nil && t.outcome == nil)
    }

    @Test(arguments: RedResult.Outcome.allCases)
    func everyRedOutcomeIsAccepted(outcome: RedResult.Outcome) {
        let t = step(test(in: .redRunning), .submitRed(.init(outcome: outcome)), at: at(25))
        #expect(t.red?.outcome == outcome)
        #expect(t.red?.attackStartedAt == nil && t.red?.attackStoppedAt == nil)
        #expect(t.red?.commands == [] && t.red?.notes == "")
    }

    @Test func stopBeforeStartIsRefused() throws {
        let action = TestAction.submitRed(.init(outcome: .executed, attackStartedAt: at(20), attackStoppedAt: at(19)))
        for state in [TestState.redRunning, .redPaused] {
            let error = try #require(failure(test(in: state), action))
            #expect(error.code == .invalidArgument)
            #expect(error.details["field"] == "attack_stopped_at")
        }
    }

    @Test func stopEqualToStartOrOnlyOneTimeIsFine() {
        let same = step(
            test(in: .redRunning), .submitRed(.init(outcome: .executed, attackStartedAt: at(20), attackStoppedAt: at(20))),
            at: at(25))
        #expect(same.state == .bluePending)
        let onlyStop = step(
            test(in: .redRunning), .submitRed(.init(outcome: .executed, attackStoppedAt: at(1))), at: at(25))
        #expect(onlyStop.red?.attackStoppedAt == at(1))
        let onlyStart = step(
            test(in: .redRunning), .submitRed(.init(outcome: .executed, attackStartedAt: at(99))), at: at(25))
        #expect(onlyStart.red?.attackStartedAt == at(99))
    }

    @Test func resubmissionAfterRejectionReplacesTheRedResult() {
        var t = test(in: .awaitingValidation)
        t = step(t, .reject(.red, reason: "missing commands"), by: "user:red-lead", at: at(100))
        t = step(t, .submitRed(.init(outcome: .blockedOnExecution, commands: ["b"])), by: "user:red-op2", at: at(120))
        #expect(t.red?.outcome == .blockedOnExecution)
        #expect(t.red?.commands == ["b"])
        #expect(t.red?.submittedBy == "user:red-op2")
        #expect(t.red?.submittedAt == at(120))
    }
}

// MARK: - Blue submission and the derived outcome

@Suite struct SubmitBlueTests {
    func submit(_ s: TestAction.BlueSubmission) -> TestCase {
        step(test(in: .blueReview), .submitBlue(s), by: "user:blue-analyst", at: at(40))
    }

    @Test func recordsWhatBlueReportedAndWho() {
        let t = submit(blueSubmission)
        #expect(t.state == .awaitingValidation)
        #expect(t.blue?.prevented == BlueResult.Prevention.none)
        #expect(t.blue?.alerted == true)
        #expect(t.blue?.alertSeverity == .high)
        #expect(t.blue?.logged == true)
        #expect(t.blue?.detectedAt == at(30))
        #expect(t.blue?.detectingTools == ["EDR"])
        #expect(t.blue?.notes == "alert fired")
        #expect(t.blue?.submittedAt == at(40))
        #expect(t.blue?.submittedBy == "user:blue-analyst")
        #expect(t.outcome == .detected)
        #expect(t.red != nil, "red's result is kept")
    }

    @Test func fullPreventionIsPrevented() {
        #expect(submit(.init(prevented: .full)).outcome == .prevented)
        #expect(submit(.init(prevented: .full, alerted: true, logged: true)).outcome == .prevented)
    }

    @Test func anAlertWithoutFullPreventionIsDetected() {
        #expect(submit(.init(prevented: .none, alerted: true)).outcome == .detected)
        #expect(submit(.init(prevented: .partial, alerted: true, alertSeverity: .critical)).outcome == .detected)
    }

    @Test func onlyLoggedIsLogged() {
        #expect(submit(.init(logged: true)).outcome == .logged)
        #expect(submit(.init(prevented: .partial, logged: true)).outcome == .logged)
    }

    @Test func nothingIsMissed() {
        #expect(submit(.init()).outcome == .missed)
    }

    /// The documented rule: partial prevention ranks with what was seen,
    /// so partial prevention that nothing saw is `missed`.
    @Test func partialPreventionWithNothingSeenIsMissed() {
        #expect(submit(.init(prevented: .partial)).outcome == .missed)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let prevented: BlueResult.Prevention
        let alerted: Bool
        let logged: Bool
        var expected: TestOutcome {
            if prevented == .full { return .prevented }
            if alerted { return .detected }
            if logged { return .logged }
            return .missed
        }
        var testDescription: String { "prevented=\(prevented.rawValue) alerted=\(alerted) logged=\(logged)" }
        static let all: [Case] = BlueResult.Prevention.allCases.flatMap { p in
            [false, true].flatMap { a in [false, true].map { l in Case(prevented: p, alerted: a, logged: l) } }
        }
    }

    @Test(arguments: Case.all)
    func everyCombinationDerivesTheRankedOutcome(_ c: Case) {
        let t = submit(.init(prevented: c.prevented, alerted: c.alerted, logged: c.logged))
        #expect(t.outcome == c.expected)
        let blue = BlueResult(
            prevented: c.prevented, alerted: c.alerted, alertSeverity: nil, logged: c.logged, detectedAt: nil,
            detectingTools: [], notes: "", submittedAt: t0, submittedBy: "x")
        #expect(TestOutcome.derive(from: blue) == c.expected)
    }

    @Test func severityWithoutAnAlertIsRefused() throws {
        for severity in BlueResult.Severity.allCases {
            let error = try #require(failure(test(in: .blueReview), .submitBlue(.init(alerted: false, alertSeverity: severity))))
            #expect(error.code == .invalidArgument)
            #expect(error.details["field"] == "alert_severity")
        }
    }

    @Test(arguments: BlueResult.Severity.allCases)
    func severityWithAnAlertIsKept(severity: BlueResult.Severity) {
        #expect(submit(.init(alerted: true, alertSeverity: severity)).blue?.alertSeverity == severity)
    }

    @Test func anAlertWithoutSeverityIsFine() {
        let t = submit(.init(alerted: true))
        #expect(t.blue?.alertSeverity == nil)
        #expect(t.outcome == .detected)
    }

    @Test func resubmissionAfterBlueRejectionReplacesResultAndOutcome() {
        var t = test(in: .awaitingValidation)
        #expect(t.outcome == .detected)
        t = step(t, .reject(.blue, reason: "the alert was for another host"), by: "user:blue-lead", at: at(100))
        #expect(t.state == .blueReview)
        t = step(t, .submitBlue(.init(logged: true)), by: "user:blue-analyst", at: at(110))
        #expect(t.outcome == .logged)
        #expect(t.blue?.alerted == false)
        #expect(t.blue?.submittedAt == at(110))
    }
}

// MARK: - Dual validation, rejection, reopening, cancelling

@Suite struct ValidationTests {
    @Test func redThenBlueByTwoPeopleValidates() {
        var t = test(in: .awaitingValidation)
        t = step(t, .approve(.red), by: "user:red-lead", at: at(50))
        #expect(t.state == .awaitingValidation)
        #expect(t.redApproval == Approval(by: "user:red-lead", at: at(50)))
        #expect(t.blueApproval == nil)
        #expect(t.validatedAt == nil)
        t = step(t, .approve(.blue), by: "user:blue-lead", at: at(60))
        #expect(t.state == .validated)
        #expect(t.blueApproval == Approval(by: "user:blue-lead", at: at(60)))
        #expect(t.redApproval == Approval(by: "user:red-lead", at: at(50)))
        #expect(t.validatedAt == at(60))
    }

    @Test func blueThenRedValidatesToo() {
        var t = test(in: .awaitingValidation)
        t = step(t, .approve(.blue), by: "user:blue-lead", at: at(50))
        #expect(t.state == .awaitingValidation)
        t = step(t, .approve(.red), by: "user:red-lead", at: at(70))
        #expect(t.state == .validated)
        #expect(t.validatedAt == at(70))
    }

    @Test func onePersonCannotApproveBothSides() throws {
        for (first, second) in [(TeamSide.red, TeamSide.blue), (.blue, .red)] {
            let t = step(test(in: .awaitingValidation), .approve(first), by: "user:admin", at: at(50))
            let error = try #require(failure(t, .approve(second), by: "user:admin"))
            #expect(error.code == .failedPrecondition)
            #expect(error.code.rawValue == "FAILED_PRECONDITION")
            #expect(error.details["side"] == .string(second.rawValue))
        }
    }

    @Test func aSideCannotApproveTwice() throws {
        for side in TeamSide.allCases {
            let t = step(test(in: .awaitingValidation), .approve(side), by: "user:lead-1", at: at(50))
            for actor in ["user:lead-1", "user:lead-2"] {
                let error = try #require(failure(t, .approve(side), by: actor))
                #expect(error.code == .failedPrecondition)
                #expect(error.details["side"] == .string(side.rawValue))
            }
        }
    }

    @Test func rejectRedSendsItBackToRed() {
        var t = test(in: .awaitingValidation)
        t = step(t, .approve(.blue), by: "user:blue-lead", at: at(50))
        t = step(t, .reject(.red, reason: "wrong host"), by: "user:red-lead", at: at(60))
        #expect(t.state == .redRunning)
        #expect(t.redApproval == nil && t.blueApproval == nil)
        #expect(t.lastRejection == Rejection(side: .red, reason: "wrong host", by: "user:red-lead", at: at(60)))
        #expect(t.validatedAt == nil)
    }

    @Test func rejectBlueSendsItBackToBlueReview() {
        var t = test(in: .awaitingValidation)
        t = step(t, .approve(.red), by: "user:red-lead", at: at(50))
        t = step(t, .reject(.blue, reason: "no detection time"), by: "user:blue-lead", at: at(60))
        #expect(t.state == .blueReview)
        #expect(t.redApproval == nil && t.blueApproval == nil)
        #expect(t.lastRejection == Rejection(side: .blue, reason: "no detection time", by: "user:blue-lead", at: at(60)))
    }

    @Test(arguments: ["", "   ", "\n\t "])
    func rejectNeedsAReason(reason: String) throws {
        for side in TeamSide.allCases {
            let error = try #require(failure(test(in: .awaitingValidation), .reject(side, reason: reason)))
            #expect(error.code == .invalidArgument)
            #expect(error.details["field"] == "reason")
        }
    }

    @Test func reasonsAreLimitedTo4000Characters() throws {
        let longest = String(repeating: "x", count: 4000)
        let tooLong = longest + "x"
        #expect(step(test(in: .awaitingValidation), .reject(.red, reason: longest), at: at(50)).state == .redRunning)
        #expect(step(test(in: .validated), .reopen(reason: longest), at: at(70)).state == .awaitingValidation)
        let e1 = try #require(failure(test(in: .awaitingValidation), .reject(.blue, reason: tooLong)))
        #expect(e1.code == .invalidArgument && e1.details["field"] == "reason")
        let e2 = try #require(failure(test(in: .validated), .reopen(reason: tooLong)))
        #expect(e2.code == .invalidArgument && e2.details["field"] == "reason")
    }

    @Test func aRejectedTestCanBeValidatedAgain() {
        var t = test(in: .awaitingValidation)
        t = step(t, .reject(.red, reason: "again"), by: "user:red-lead", at: at(100))
        t = step(t, .pause, at: at(105))
        t = step(t, .submitRed(.init(outcome: .executed)), at: at(110))
        t = step(t, .startReview, at: at(120))
        t = step(t, .submitBlue(.init(prevented: .full)), at: at(130))
        t = step(t, .approve(.red), by: "user:red-lead", at: at(140))
        t = step(t, .approve(.blue), by: "user:blue-lead", at: at(150))
        #expect(t.state == .validated)
        #expect(t.outcome == .prevented)
        #expect(t.validatedAt == at(150))
        #expect(t.lastRejection?.reason == "again", "the last rejection stays on record")
    }

    @Test func reopenSendsAValidatedTestBackToValidation() {
        var t = test(in: .validated)
        #expect(t.validatedAt == at(60))
        t = step(t, .reopen(reason: "the alert was a false positive"), by: "user:blue-lead", at: at(200))
        #expect(t.state == .awaitingValidation)
        #expect(t.validatedAt == nil)
        #expect(t.redApproval == nil && t.blueApproval == nil)
        #expect(t.reopenReason == "the alert was a false positive")
        #expect(t.outcome == .detected, "both sides' results are kept")
        #expect(t.red != nil && t.blue != nil)
        // Then it can be validated again, or rejected to either side.
        let revalidated = step(
            step(t, .approve(.red), by: "user:red-lead", at: at(210)), .approve(.blue), by: "user:blue-lead", at: at(220))
        #expect(revalidated.state == .validated)
        #expect(revalidated.validatedAt == at(220))
        #expect(step(t, .reject(.blue, reason: "redo"), at: at(210)).state == .blueReview)
    }

    @Test(arguments: ["", "  \n"])
    func reopenNeedsAReason(reason: String) throws {
        let error = try #require(failure(test(in: .validated), .reopen(reason: reason)))
        #expect(error.code == .invalidArgument)
        #expect(error.details["field"] == "reason")
    }

    @Test(arguments: TestState.allCases.filter(\.isOpen))
    func cancelFromEveryOpenState(state: TestState) {
        let t = step(test(in: state), .cancel(reason: "scope changed"), by: "user:red-lead", at: at(3_000))
        #expect(t.state == .cancelled)
        #expect(t.cancelledAt == at(3_000))
        #expect(t.cancelReason == "scope changed")
        #expect(t.runningSince == nil)
        let noReason = step(test(in: state), .cancel(reason: nil), at: at(3_000))
        #expect(noReason.state == .cancelled)
        #expect(noReason.cancelReason == nil)
        #expect(noReason.cancelledAt == at(3_000))
    }

    @Test(arguments: [TestState.validated, .cancelled])
    func cancelFromAClosedStateIsAnInvalidTransition(state: TestState) throws {
        let error = try #require(failure(test(in: state), .cancel(reason: "too late")))
        #expect(error.code == .invalidTransition)
        #expect(error.details["from"] == .string(state.rawValue))
        #expect(error.details["to"] == "cancelled")
    }
}

// MARK: - TestState and TestCase

@Suite struct TestStateTests {
    @Test func beforeRedSubmission() {
        let before: Set<TestState> = [.draft, .ready, .redRunning, .redPaused]
        for state in TestState.allCases {
            #expect(state.isBeforeRedSubmission == before.contains(state), "\(state)")
        }
    }

    @Test func open() {
        for state in TestState.allCases {
            #expect(state.isOpen == (state != .validated && state != .cancelled), "\(state)")
        }
    }

    @Test func statesOrderAsDeclared() {
        #expect(TestState.allCases.sorted() == TestState.allCases)
        #expect(TestState.draft < .ready && .awaitingValidation < .validated)
    }

    @Test func aNewTestStartsAsABlindDraftAtVersionOne() {
        let t = TestCase(id: "tst_9", techniqueID: "T1003", name: "n", createdAt: t0, createdBy: "user:a")
        #expect(t.state == .draft)
        #expect(t.version == 1)
        #expect(t.blind)
        #expect(t.procedureID == "tst_9")
        #expect(t.updatedAt == t0)
        #expect(t.activeSeconds == 0 && t.startedAt == nil && t.runningSince == nil)
        #expect(t.red == nil && t.blue == nil && t.outcome == nil)
        #expect(t.remediation == Remediation())
    }

    @Test func procedureIDFollowsTheTemplateOrTheChain() {
        let fromTemplate = TestCase(id: "tst_2", techniqueID: "T1003", name: "n", templateID: "tpl_1", createdAt: t0, createdBy: "u")
        #expect(fromTemplate.procedureID == "tpl_1")
        let retest = TestCase(
            id: "tst_3", techniqueID: "T1003", name: "n", state: .ready, procedureID: "tst_1", templateID: "tpl_1",
            retestOf: "tst_2", createdAt: t0, createdBy: "u")
        #expect(retest.procedureID == "tst_1")
        #expect(retest.retestOf == "tst_2")
        #expect(retest.state == .ready)
    }

    @Test func aRetestStartsReadyAndRunsTheWholeWay() {
        // test.retest creates a new test in `ready`; the machine takes it from there.
        var t = TestCase(id: "tst_2", techniqueID: "T1003", name: "n", state: .ready, retestOf: "tst_1", createdAt: t0, createdBy: "u")
        t = step(t, .start, at: at(1))
        t = step(t, .submitRed(.init(outcome: .executed)), at: at(2))
        t = step(t, .startReview, at: at(3))
        t = step(t, .submitBlue(.init(prevented: .full)), at: at(4))
        t = step(t, .approve(.red), by: "a", at: at(5))
        t = step(t, .approve(.blue), by: "b", at: at(6))
        #expect(t.state == .validated)
        #expect(t.version == 7)
    }
}

// MARK: - Rejections and cancel reasons

@Suite struct WorkflowRejectionTests {
    /// After `reject red` the test is back in red_running, and the rejected
    /// round's blue result and derived outcome are gone: blue reviews again.
    @Test func rejectRedClearsTheStaleOutcome() {
        let t = step(test(in: .awaitingValidation), .reject(.red, reason: "rerun"), by: "user:red-lead", at: at(100))
        #expect(t.state == .redRunning)
        #expect(t.outcome == nil)
        #expect(t.blue == nil)
    }

    /// `cancel`'s optional reason is limited like the others; blank is nil.
    @Test func cancelReasonsAreLimited() {
        let error = failure(test(in: .draft), .cancel(reason: String(repeating: "x", count: 4001)))
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["field"] == "reason")
        #expect(step(test(in: .draft), .cancel(reason: "  "), at: at(1)).cancelReason == nil)
    }
}
