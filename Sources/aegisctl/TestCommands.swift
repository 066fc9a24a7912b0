import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl test ...`: the purple-team workflow, one state move per command.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Red/blue tests: create, run, review, validate.",
        discussion: """
            draft -> ready -> red_running <-> red_paused -> blue_pending -> blue_review -> awaiting_validation \
            -> validated (both leads approve). Every change quotes the test's --version as last read; a stale \
            one is refused with CONFLICT.
            """,
        subcommands: [
            TestCreate.self, TestFromTemplate.self, TestGet.self, TestList.self, TestUpdate.self, TestReady.self,
            TestStart.self, TestPause.self, TestResume.self, TestSubmitRed.self, TestReview.self, TestSubmitBlue.self,
            TestApprove.self, TestReject.self, TestReopen.self, TestCancel.self, TestRetest.self, TestTimeline.self,
            TestRemediation.self,
        ])
}

// MARK: Creating

struct TestCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a test of a technique (a draft, blind unless --open).")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "ATT&CK technique id, e.g. T1059.001.") var technique: String
    @Option(name: .long, help: "A short name.") var name: String
    @Option(name: .long, help: "What red will do, in words.") var procedure: String?
    @Option(name: .long, help: "The command red will run.") var command: String?
    @Option(name: .long, help: "Target platform, e.g. windows.") var platform: String?
    @Option(name: .long, help: "Executor, e.g. powershell.") var executor: String?
    @Option(name: .long, help: "What blue is expected to see.") var expectedDetection: String?
    @Option(name: .long, help: "A user id to assign (repeat for more).") var assignee: [String] = []
    @Option(name: .long, help: "A host name, address or Caldera agent id it runs on (repeat for more).")
    var target: [String] = []
    @Option(name: .long, help: "What it was made from, e.g. caldera:link:<id> (unique: a second test is refused).")
    var sourceRef: String?
    @Flag(name: .long, help: "Not blind: blue sees the procedure before red submits.") var open = false

    func run() throws {
        var params: MessagePackMap = ["technique_id": .string(technique), "name": .string(name)]
        params.put("procedure", procedure)
        params.put("command", command)
        params.put("platform", platform)
        params.put("executor", executor)
        params.put("expected_detection", expectedDetection)
        params.put("assignees", nonEmpty(assignee))
        params.put("targets", nonEmpty(target))
        params.put("source_ref", sourceRef)
        if open { params.put("blind", false) }
        try reportingFailures {
            let result = try options.client().call("test.create", params)
            if options.json { return Output.json(result) }
            TestDisplay.show(result)
        }
    }
}

struct TestFromTemplate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "from-template", abstract: "Create a test from a template, its command rendered with inputs.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Template id (tpl_...).") var templateID: String
    @Option(name: .long, help: "An input as name=value (repeat for more); unset inputs take their defaults.")
    var input: [KeyValue] = []
    @Option(name: .long, help: "Platform: picks the executor for it.") var platform: String?
    @Option(name: .long, help: "Executor name, when the template has several.") var executor: String?
    @Option(name: .long, help: "A name (default: the template's).") var name: String?
    @Option(name: .long, help: "A user id to assign (repeat for more).") var assignee: [String] = []
    @Option(name: .long, help: "A host name, address or Caldera agent id it runs on (repeat for more).")
    var target: [String] = []
    @Flag(name: .long, help: "Not blind: blue sees the procedure before red submits.") var open = false

    func run() throws {
        var params: MessagePackMap = ["template_id": .string(templateID)]
        if !input.isEmpty {
            params.append(
                key: "inputs",
                value: .map(MessagePackMap(input.map { (key: .string($0.key), value: .string($0.value)) })))
        }
        params.put("platform", platform)
        params.put("executor", executor)
        params.put("name", name)
        params.put("assignees", nonEmpty(assignee))
        params.put("targets", nonEmpty(target))
        if open { params.put("blind", false) }
        try reportingFailures {
            let result = try options.client().call("test.create_from_template", params)
            if options.json { return Output.json(result) }
            TestDisplay.show(result)
        }
    }
}

// MARK: Reading

struct TestGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a test.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Test id (tst_...).") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("test.get", ["id": .string(id)])
            if options.json { return Output.json(result) }
            TestDisplay.show(result)
        }
    }
}

struct TestList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tests, oldest change first.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Technique id.") var technique: String?
    @Option(name: .long, help: "State.") var state: TestStateArgument?
    @Option(name: .long, help: "Outcome.") var outcome: TestOutcomeArgument?
    @Option(name: .long, help: "Assigned user id.") var assignee: String?
    @Option(name: .long, help: "A target: a host name (with or without its domain), address or agent id; any case.")
    var target: String?
    @Option(name: .long, help: "The test made from this source, e.g. caldera:link:<id>.") var sourceRef: String?
    @Option(name: .long, help: "Changed at or after this time (ISO 8601).", transform: ISOTime.argument)
    var updatedSince: Date?
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("technique_id", technique)
        params.put("state", state)
        params.put("outcome", outcome)
        params.put("assignee", assignee)
        params.put("target", target)
        params.put("source_ref", sourceRef)
        params.put("updated_since", updatedSince)
        try reportingFailures {
            let items = try listAll(options.client(), "test.list", params, max: limit)
            if options.json { return Output.json(.array(items)) }
            Output.table(items, TestDisplay.columns)
        }
    }
}

struct TestTimeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline", abstract: "What happened to a test, oldest first (from the audit trail).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Test id.") var id: String

    func run() throws {
        try reportingFailures {
            let items = try listAll(options.client(), "test.timeline", ["id": .string(id)], max: nil)
            if options.json { return Output.json(.array(items)) }
            Output.table(items.map(AuditDisplay.row), AuditDisplay.timelineColumns)
        }
    }
}
