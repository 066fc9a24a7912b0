import AegisClient
import AegisWire
import ArgumentParser
import Foundation

// MARK: Changing

/// What every change of a test names: the test and its version.
struct VersionedTest: ParsableArguments {
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Test id (tst_...).") var id: String
    @Option(name: .long, help: "The test's version, as last read.") var version: Int

    var params: MessagePackMap { ["id": .string(id), "version": .int(Int64(version))] }

    /// Calls `method` with the id, version and `extra`; prints the test's new state.
    func move(_ method: String, _ extra: MessagePackMap = [:]) throws {
        var params = self.params
        for (key, value) in extra.entries { params.append(key: key, value: value) }
        try reportingFailures {
            let result = try options.client().call(method, params)
            if options.json { return Output.json(result) }
            TestDisplay.moved(result)
        }
    }
}

struct TestUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Edit a test while it is a draft or ready.")
    @OptionGroup var test: VersionedTest
    @Option(name: .long, help: "A short name.") var name: String?
    @Option(name: .long, help: "What red will do, in words.") var procedure: String?
    @Option(name: .long, help: "The command red will run.") var command: String?
    @Option(name: .long, help: "Target platform.") var platform: String?
    @Option(name: .long, help: "Executor.") var executor: String?
    @Option(name: .long, help: "What blue is expected to see.") var expectedDetection: String?
    @Option(name: .long, help: "The assignees, all of them (repeat for more).") var assignee: [String] = []
    @Flag(name: .long, help: "Remove every assignee.") var clearAssignees = false
    @Option(name: .long, help: "The targets, all of them (repeat for more).") var target: [String] = []
    @Flag(name: .long, help: "Remove every target.") var clearTargets = false
    @Flag(name: .long, help: "Make the test blind.") var blind = false
    @Flag(name: .long, help: "Make the test open (not blind).") var open = false

    func validate() throws {
        guard !(blind && open) else { throw ValidationError("--blind and --open contradict each other") }
        guard !(clearAssignees && !assignee.isEmpty) else {
            throw ValidationError("--clear-assignees and --assignee contradict each other")
        }
        guard !(clearTargets && !target.isEmpty) else {
            throw ValidationError("--clear-targets and --target contradict each other")
        }
        let given: [Any?] = [name, procedure, command, platform, executor, expectedDetection]
        guard given.contains(where: { $0 != nil }) || !assignee.isEmpty || clearAssignees || !target.isEmpty
            || clearTargets || blind || open
        else {
            throw ValidationError("nothing to change: give a field to set")
        }
    }

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("name", name)
        params.put("procedure", procedure)
        params.put("command", command)
        params.put("platform", platform)
        params.put("executor", executor)
        params.put("expected_detection", expectedDetection)
        params.put("assignees", clearAssignees ? [] : nonEmpty(assignee))
        params.put("targets", clearTargets ? [] : nonEmpty(target))
        if blind || open { params.put("blind", blind) }
        try test.move("test.update", params)
    }
}

struct TestReady: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ready", abstract: "Mark a draft ready to run.")
    @OptionGroup var test: VersionedTest
    func run() throws { try test.move("test.mark_ready") }
}

struct TestStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Red starts running a ready test.")
    @OptionGroup var test: VersionedTest
    func run() throws { try test.move("test.start") }
}

struct TestPause: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Red pauses (the clock stops).")
    @OptionGroup var test: VersionedTest
    func run() throws { try test.move("test.pause") }
}

struct TestResume: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Red resumes a paused test.")
    @OptionGroup var test: VersionedTest
    func run() throws { try test.move("test.resume") }
}

struct TestReview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Blue starts reviewing what red submitted.")
    @OptionGroup var test: VersionedTest
    func run() throws { try test.move("test.start_review") }
}

struct TestSubmitRed: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "submit-red", abstract: "Red reports what it ran.")
    @OptionGroup var test: VersionedTest
    @Option(name: .long, help: "What happened.") var outcome: RedOutcomeArgument
    @Option(name: .long, help: "When the attack started (ISO 8601).", transform: ISOTime.argument)
    var attackStarted: Date?
    @Option(name: .long, help: "When it stopped (ISO 8601).", transform: ISOTime.argument) var attackStopped: Date?
    @Option(name: .long, help: "A command that was run (repeat for more).") var command: [String] = []
    @Option(name: .long, help: "Notes.") var notes: String?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("outcome", outcome)
        params.put("attack_started_at", attackStarted)
        params.put("attack_stopped_at", attackStopped)
        params.put("commands", nonEmpty(command))
        params.put("notes", notes)
        try test.move("test.submit_red", params)
    }
}

struct TestSubmitBlue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit-blue", abstract: "Blue reports what it saw; the outcome follows from it.")
    @OptionGroup var test: VersionedTest
    @Option(name: .long, help: "How much of the attack was prevented.") var prevented: PreventionArgument
    @Flag(name: .long, help: "An alert fired.") var alerted = false
    @Option(name: .long, help: "The alert's severity (needs --alerted).") var severity: SeverityArgument?
    @Flag(name: .long, help: "It was logged.") var logged = false
    @Option(name: .long, help: "When it was detected (ISO 8601).", transform: ISOTime.argument) var detectedAt: Date?
    @Option(name: .long, help: "A tool that detected it (repeat for more).") var tool: [String] = []
    @Option(name: .long, help: "Notes.") var notes: String?

    func validate() throws {
        if severity != nil && !alerted { throw ValidationError("--severity needs --alerted") }
    }

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("prevented", prevented)
        params.put("alerted", alerted)
        params.put("alert_severity", severity)
        params.put("logged", logged)
        params.put("detected_at", detectedAt)
        params.put("detecting_tools", nonEmpty(tool))
        params.put("notes", notes)
        try test.move("test.submit_blue", params)
    }
}

struct TestApprove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "A lead approves their side; both sides approved means validated.")
    @OptionGroup var test: VersionedTest
    @Option(name: .long, help: "Which side you approve (yours).") var side: SideArgument
    func run() throws { try test.move("test.approve", ["side": .string(side.rawValue)]) }
}

struct TestReject: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "A lead sends their side's work back.")
    @OptionGroup var test: VersionedTest
    @Option(name: .long, help: "Which side's work goes back.") var side: SideArgument
    @Option(name: .long, help: "Why.") var reason: String
    func run() throws { try test.move("test.reject", ["side": .string(side.rawValue), "reason": .string(reason)]) }
}

struct TestReopen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reopen", abstract: "Reopen a validated test for validation again.")
    @OptionGroup var test: VersionedTest
    @Option(name: .long, help: "Why.") var reason: String
    func run() throws { try test.move("test.reopen", ["reason": .string(reason)]) }
}

struct TestCancel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel an open test.")
    @OptionGroup var test: VersionedTest
    @Option(name: .long, help: "Why.") var reason: String?
    func run() throws {
        var params: MessagePackMap = [:]
        params.put("reason", reason)
        try test.move("test.cancel", params)
    }
}

struct TestRetest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retest", abstract: "Run a validated or cancelled test again, as a new test (ready).")
    @OptionGroup var test: VersionedTest

    func run() throws {
        try reportingFailures {
            let result = try test.options.client().call("test.retest", test.params)
            if test.options.json { return Output.json(result) }
            print(
                "created \(Output.text(result["id"])), a retest of \(test.id): \(Output.text(result["state"])) (version \(Output.text(result["version"])))"
            )
        }
    }
}

struct TestRemediation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remediation", abstract: "Who fixes a missed or logged result, by when, and when it was done.")
    @OptionGroup var test: VersionedTest
    @Option(name: .long, help: "Who fixes it.") var owner: String?
    @Option(name: .long, help: "When it is due (ISO 8601).", transform: ISOTime.argument) var due: Date?
    @Option(name: .long, help: "When it was done (ISO 8601).", transform: ISOTime.argument) var done: Date?
    @Flag(name: .long, help: "Clear the owner.") var clearOwner = false
    @Flag(name: .long, help: "Clear the due date.") var clearDue = false
    @Flag(name: .long, help: "Clear the done date.") var clearDone = false

    func validate() throws {
        guard !(owner != nil && clearOwner), !(due != nil && clearDue), !(done != nil && clearDone) else {
            throw ValidationError("a field cannot be both set and cleared")
        }
        guard owner != nil || due != nil || done != nil || clearOwner || clearDue || clearDone else {
            throw ValidationError("nothing to change: give --owner, --due or --done")
        }
    }

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("owner", owner)
        params.put("due_at", due)
        params.put("done_at", done)
        if clearOwner { params.append(key: "owner", value: .nil) }
        if clearDue { params.append(key: "due_at", value: .nil) }
        if clearDone { params.append(key: "done_at", value: .nil) }
        try reportingFailures {
            var all = test.params
            for (key, value) in params.entries { all.append(key: key, value: value) }
            let result = try test.options.client().call("test.update_remediation", all)
            if test.options.json { return Output.json(result) }
            let r = result["remediation"]?.mapValue ?? [:]
            print(
                "\(test.id) remediation: \(TestDisplay.summary(r, ["owner", "due_at", "done_at"])) (version \(Output.text(result["version"])))"
            )
        }
    }
}
