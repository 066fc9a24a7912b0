import AegisDetection
import AegisDomain
import Foundation
import Testing

@Suite struct EngineTests {
    static let processRule = Fixture.sigma("    sel:\n        Image|endswith: '\\net.exe'\n    condition: sel", id: "proc")
    static let registryRule = Fixture.sigma(
        "    sel:\n        TargetObject|contains: '\\Run\\'\n    condition: sel", id: "reg",
        logsource: "    category: registry_set\n    product: windows")
    static let securityRule = Fixture.sigma(
        "    sel:\n        EventID: 4624\n    condition: sel", id: "sec", logsource: "    product: windows\n    service: security")
    static let linuxRule = Fixture.sigma(
        "    sel:\n        Image|endswith: '/net.exe'\n    condition: sel", id: "lnx", logsource: "    category: process_creation\n    product: linux")

    func engine(_ texts: [String], states: [String: RuleState] = [:]) throws -> RuleEngine {
        RuleEngine(rules: RuleSet(rules: try texts.map { text in
            let rule = try Fixture.compile(text)
            return .init(rule: rule, revision: 1, state: states[rule.definition.id] ?? .default)
        }))
    }

    @Test func routingByLogSource() throws {
        let engine = try engine([Self.processRule, Self.registryRule, Self.securityRule, Self.linuxRule])
        let net = try #require(Fixture.sysmon(1, ["Image": "C:\\net.exe", "TargetObject": "HKLM\\x\\Run\\y"]))
        #expect(net.logSource == EventLogSource(product: "windows", service: "sysmon", categories: ["process_creation"], categoriesKnown: true))
        #expect(engine.evaluate(net, now: Date()).map(\.ruleID) == ["proc"])
        let registry = try #require(Fixture.sysmon(13, ["Image": "C:\\net.exe", "TargetObject": "HKLM\\x\\Run\\y"]))
        #expect(engine.evaluate(registry, now: Date()).map(\.ruleID) == ["reg"])
        // Security 4688 is process creation too; 4624 only for the security service.
        let logon = try TelemetryEvent.from(["Event": ["System": ["EventID": 4624, "Channel": "Security"], "EventData": ["TargetUserName": "bob"]]])
        #expect(engine.evaluate(logon, now: Date()).map(\.ruleID) == ["sec"])
        let created = try TelemetryEvent.from(["Event": ["System": ["EventID": 4688, "Channel": "Security"], "EventData": ["NewProcessName": "C:\\net.exe"]]])
        #expect(engine.evaluate(created, now: Date()).map(\.ruleID) == ["proc"])
        // An event nothing classifies meets every rule (each still needs its fields).
        let flat = TelemetryEvent(fields: ["Image": "C:\\net.exe", "TargetObject": "HKLM\\Run\\x"])
        #expect(engine.evaluate(flat, now: Date()).map(\.ruleID) == ["proc", "reg"])
        // ECS: the OS gives the product, event.category the category.
        let ecs = try TelemetryEvent.fromJSON(#"{"host":{"os":{"type":"linux"}},"event":{"category":["process"],"type":["start"]},"process":{"executable":"/tmp/net.exe"}}"#)
        #expect(ecs.logSource.product == "linux" && ecs.logSource.categories == ["process_creation"])
        #expect(engine.evaluate(ecs, now: Date()).map(\.ruleID) == ["lnx"])
    }

    @Test func routingIsRememberedPerKindOfEventAndCountersAddUpAcrossThreads() throws {
        let native = """
            rule_id: ot-write
            rule_version: 1
            name: OT write
            applies_to: [ot]
            match:
              field: CommandLine
              pattern: 'modbus-cli\\s+write'
            emits:
              - technique_id: T0803
            """
        let engine = try engine([Self.processRule, Self.registryRule, native])
        let fields: [String: Value] = ["Image": "C:\\net.exe", "TargetObject": "HKLM\\x\\Run\\y"]
        let process = try #require(Fixture.sysmon(1, fields))
        let registry = try #require(Fixture.sysmon(13, fields))
        let ot = TelemetryEvent(fields: ["CommandLine": "modbus-cli write 1"], source: "OT")
        let it = TelemetryEvent(fields: ["CommandLine": "modbus-cli write 1"], source: "it")
        // The same kinds again and again, interleaved: each keeps its own route.
        for _ in 0..<3 {
            #expect(engine.evaluate(process, now: Date()).map(\.ruleID) == ["proc"])
            #expect(engine.evaluate(registry, now: Date()).map(\.ruleID) == ["reg"])
            #expect(engine.evaluate(ot, now: Date()).map(\.ruleID) == ["ot-write"])
            #expect(engine.evaluate(it, now: Date()).isEmpty)
        }
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<50 { _ = engine.evaluate(process, now: Date()) }
        }
        let counters = engine.counters
        #expect(counters.eventsEvaluated == 12 + 200)
        #expect(counters.matches == 9 + 200)
        #expect(counters.rulesEvaluated > counters.eventsEvaluated)
    }

    @Test func fieldResolution() throws {
        // Data entries with @Name/#text and #attributes.Name; System attributes.
        let data = try TelemetryEvent.fromJSON(#"""
            {"Event": {"System": {"Provider": {"@Name": "Microsoft-Windows-Security-Auditing"}, "EventID": {"#text": "4688"},
              "Channel": "Security", "Computer": "dc01", "TimeCreated": {"@SystemTime": "2026-01-02T03:04:05.5Z"}},
             "EventData": {"Data": [{"@Name": "NewProcessName", "#text": "C:\\net.exe"},
                                    {"#attributes": {"Name": "CommandLine"}, "#text": "net user"}, "loose"]}}}
            """#)
        #expect(data.fields["NewProcessName"] == "C:\\net.exe" && data.fields["CommandLine"] == "net user")
        #expect(data.fields["Provider_Name"] == "Microsoft-Windows-Security-Auditing" && data.fields["EventID"] == "4688")
        #expect(data.host == "dc01" && data.time == Date(timeIntervalSince1970: 1_767_323_045.5))
        #expect(data.logSource.categories == ["process_creation"])
        let rule = try Fixture.compile(Fixture.sigma(
            "    sel:\n        Image|endswith: '\\net.exe'\n        Event.EventData.CommandLine: 'NET USER'\n        Provider_Name|contains: 'Security'\n    condition: sel"))
        #expect(RuleEngine.test(rule, on: data).matched)
        // ECS nested or dotted, flat names, winlog.event_data, another case.
        let ecs = try TelemetryEvent.fromJSON(#"{"process.command_line": "net user", "process": {"executable": "C:\\net.exe"}, "@timestamp": "2026-01-02T03:04:05+01:00", "host": {"name": "ws1"}}"#)
        #expect(ecs.host == "ws1" && ecs.time == Date(timeIntervalSince1970: 1_767_319_445))
        let cli = try Fixture.compile(Fixture.sigma("    sel:\n        CommandLine: 'net user'\n        Image|endswith: 'net.exe'\n    condition: sel"))
        #expect(RuleEngine.test(cli, on: ecs).matched)
        #expect(RuleEngine.test(cli, on: try TelemetryEvent.fromJSON(#"{"winlog": {"event_data": {"CommandLine": "net user", "Image": "net.exe"}}}"#)).matched)
        #expect(RuleEngine.test(cli, on: TelemetryEvent(fields: ["commandline": "net user", "IMAGE": "net.exe"])).matched)
        #expect(TelemetryEvent(fields: ["x": 1]).time == nil && TelemetryEvent(fields: ["x": 1]).host == nil)
        // Arrays: any element matches.
        #expect(RuleEngine.test(cli, on: TelemetryEvent(fields: ["CommandLine": ["a", "net user"], "Image": "net.exe"])).matched)
    }

    @Test func explanationAndEvidence() throws {
        let rule = try Fixture.compile(Fixture.sigma(
            "    selection:\n        Image|endswith: '\\net.exe'\n        CommandLine|contains: 'user'\n    filter:\n        User: SYSTEM\n    condition: selection and not filter"))
        let event = try #require(Fixture.sysmon(1, ["Image": "C:\\net.exe", "CommandLine": .string("net user /add " + String(repeating: "x", count: 5000)), "User": "bob"]))
        let match = try #require(try engine([Fixture.sigma(
            "    selection:\n        Image|endswith: '\\net.exe'\n        CommandLine|contains: 'user'\n    filter:\n        User: SYSTEM\n    condition: selection and not filter")]).evaluate(event, now: Date()).first)
        #expect(Set(match.evidence.keys) == ["Image", "CommandLine"])
        #expect((match.evidence["CommandLine"]?.stringValue?.count ?? 0) <= 1025)
        #expect(match.explanation.identifiers.map(\.matched) == [true, false])
        #expect(match.explanation.identifiers.first?.keys == ["Image|endswith", "CommandLine|contains"])
        #expect(match.explanation.summary.contains("selection (Image|endswith, CommandLine|contains)"))
        #expect(match.techniqueIDs == ["T1059", "T1059.001"] && match.tacticIDs == ["TA0002"] && match.host == "host-1")
        let test = RuleEngine.test(rule, on: TelemetryEvent(fields: ["Image": "C:\\net.exe", "CommandLine": "x"]))
        #expect(!test.matched && test.explanation.identifiers.map(\.matched) == [false, false])
    }

    @Test func statesAndConfidence() throws {
        let event = try #require(Fixture.sysmon(1, ["Image": "C:\\net.exe"]))
        let now = Date()
        #expect(try engine([Self.processRule]).evaluate(event, now: now).first?.confidence == 70)  // high
        #expect(try engine([Self.processRule], states: ["proc": RuleState(kind: .disabled)]).evaluate(event, now: now).isEmpty)
        let expired = RuleState(kind: .disabled, expiresAt: now.addingTimeInterval(-1))
        #expect(try engine([Self.processRule], states: ["proc": expired]).evaluate(event, now: now).count == 1)
        let clipped = RuleState(kind: .clipped, confidenceMax: 20)
        #expect(try engine([Self.processRule], states: ["proc": clipped]).evaluate(event, now: now).first?.confidence == 20)
        #expect(RuleConfidence.of(level: "informational") == 10 && RuleConfidence.of(level: "critical") == 90 && RuleConfidence.of(level: nil) == 50)
    }

    @Test func filtersExcludeFromTheRulesTheyName() throws {
        let filter = """
            title: Not the backup account
            id: filter-1
            logsource:
                category: process_creation
                product: windows
            filter:
                rules:
                    - proc
                selection:
                    User|startswith: 'svc_'
                condition: not selection
            """
        let engine = try engine([Self.processRule, filter])
        #expect(engine.rules.unresolved.isEmpty)
        #expect(engine.evaluate(try #require(Fixture.sysmon(1, ["Image": "C:\\net.exe", "User": "bob"])), now: Date()).count == 1)
        #expect(engine.evaluate(try #require(Fixture.sysmon(1, ["Image": "C:\\net.exe", "User": "svc_backup"])), now: Date()).isEmpty)
        let stray = try self.engine([filter])
        #expect(stray.rules.unresolved == ["filter-1": ["proc"]])
    }

    static func correlation(_ type: String, _ rules: [String], condition: String, generate: Bool = false) -> String {
        """
        title: Correlation \(type)
        id: corr-\(type)
        level: critical
        tags:
            - attack.t1087
        correlation:
            type: \(type)
            rules:
        \(rules.map { "        - \($0)" }.joined(separator: "\n"))
            group-by:
                - Computer
            timespan: 10m
        \(condition)
        generate: \(generate)
        """
    }

    @Test func eventCountCorrelation() throws {
        let engine = try engine([Self.processRule, Self.correlation("event_count", ["proc"], condition: "    condition:\n        gte: 3")])
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        func net(_ host: String) -> TelemetryEvent? { Fixture.sysmon(1, ["Image": "C:\\net.exe"], computer: host) }
        var fired: [RuleMatch] = []
        for i in 0..<2 { fired += engine.evaluate(try #require(net("a")), now: start.addingTimeInterval(Double(i))) }
        fired += engine.evaluate(try #require(net("b")), now: start)
        #expect(fired.isEmpty)  // base rule does not generate; 2 on a, 1 on b
        let third = engine.evaluate(try #require(net("a")), now: start)
        #expect(third.map(\.ruleID) == ["corr-event_count"])
        #expect(third.first?.kind == .correlation && third.first?.evidence["count"] == 3 && third.first?.evidence["Computer"] == "a")
        #expect(third.first?.confidence == 90 && third.first?.techniqueIDs == ["T1087"])
        #expect(engine.counters.correlationMatches == 1)
    }

    @Test func eventTimesOutsideTheTimespanDoNotCount() throws {
        let engine = try engine([Self.processRule, Self.correlation("event_count", ["proc"], condition: "    condition:\n        gte: 2", generate: true)])
        func at(_ time: String) throws -> TelemetryEvent {
            try TelemetryEvent.from(["Event": ["System": ["EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational", "Computer": "a",
                "TimeCreated": ["#attributes": ["SystemTime": .string(time)]]], "EventData": ["Image": "C:\\net.exe"]]])
        }
        #expect(engine.evaluate(try at("2026-01-01T00:00:00Z"), now: Date()).map(\.ruleID) == ["proc"])  // generate: true
        #expect(engine.evaluate(try at("2026-01-01T00:20:00Z"), now: Date()).map(\.ruleID) == ["proc"])
        #expect(engine.evaluate(try at("2026-01-01T00:25:00Z"), now: Date()).map(\.ruleID) == ["proc", "corr-event_count"])
    }

    @Test func valueCountCorrelation() throws {
        let engine = try engine([Self.processRule, Self.correlation("value_count", ["proc"], condition: "    condition:\n        field: User\n        gt: 2")])
        let now = Date()
        for user in ["a", "b", "a", "b"] {
            #expect(engine.evaluate(try #require(Fixture.sysmon(1, ["Image": "C:\\net.exe", "User": .string(user)])), now: now).isEmpty)
        }
        #expect(engine.evaluate(try #require(Fixture.sysmon(1, ["Image": "C:\\net.exe", "User": "c"])), now: now).map(\.ruleID) == ["corr-value_count"])
    }

    @Test func temporalCorrelations() throws {
        let whoami = Fixture.sigma("    sel:\n        Image|endswith: '\\whoami.exe'\n    condition: sel", id: "who")
        let now = Date()
        let net = try #require(Fixture.sysmon(1, ["Image": "C:\\net.exe"]))
        let who = try #require(Fixture.sysmon(1, ["Image": "C:\\whoami.exe"]))
        let unordered = try engine([Self.processRule, whoami, Self.correlation("temporal", ["proc", "who"], condition: "")])
        #expect(unordered.evaluate(who, now: now).isEmpty)
        #expect(unordered.evaluate(net, now: now.addingTimeInterval(1)).map(\.ruleID) == ["corr-temporal"])
        let ordered = try engine([Self.processRule, whoami, Self.correlation("temporal_ordered", ["proc", "who"], condition: "")])
        #expect(ordered.evaluate(who, now: now).isEmpty)
        #expect(ordered.evaluate(net, now: now.addingTimeInterval(1)).isEmpty)  // who came first
        #expect(ordered.evaluate(who, now: now.addingTimeInterval(2)).map(\.ruleID) == ["corr-temporal_ordered"])
    }

    @Test func correlationStateIsBounded() throws {
        let limits = EngineLimits(correlationGroups: 100, correlationEventsPerGroup: 10)
        let rules = RuleSet(rules: try [Self.processRule, Self.correlation("event_count", ["proc"], condition: "    condition:\n        gte: 1000")]
            .map { .init(rule: try Fixture.compile($0), revision: 1) })
        let engine = RuleEngine(rules: rules, limits: limits)
        for i in 0..<1000 {
            _ = engine.evaluate(try #require(Fixture.sysmon(1, ["Image": "C:\\net.exe"], computer: "host-\(i % 300)")), now: Date())
        }
        #expect(engine.counters.correlationGroupsDropped >= 200)
        #expect(engine.counters.correlationMatches == 0)  // at most 10 kept per group
    }

    @Test func badEventsAreRefusedQuickly() throws {
        #expect(throws: TelemetryEventError.self) { try TelemetryEvent.from("just text") }
        #expect(throws: TelemetryEventError.self) { try TelemetryEvent.fromJSON("[1, 2]") }
        #expect(throws: TelemetryEventError.self) { try TelemetryEvent.fromJSON("{\"a\": ") }
        #expect(throws: TelemetryEventError.self) { try TelemetryEvent.fromJSON("not json") }
        #expect(throws: TelemetryEventError.self) { try TelemetryEvent.fromJSON("{} {}") }
        let deep = String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        #expect(throws: TelemetryEventError.self) { try TelemetryEvent.fromJSON(deep) }
        var value: Value = 1
        for _ in 0..<100 { value = ["a": value] }
        #expect(throws: TelemetryEventError.self) { try TelemetryEvent.from(value) }
        // A 1 MB field: accepted, and evaluated in bounded time by every kind of test.
        let big = String(repeating: "a", count: 1 << 20)
        let event = try TelemetryEvent.fromJSON("{\"CommandLine\": \"\(big)\", \"Image\": \"x\"}")
        let engine = try engine([
            Fixture.sigma("    sel:\n        CommandLine|contains: 'ab'\n    condition: sel", id: "c"),
            Fixture.sigma("    sel:\n        CommandLine: '*a?b*a'\n    condition: sel", id: "g"),
            Fixture.sigma("    sel:\n        CommandLine|re: '(a+)+b'\n    condition: sel", id: "r"),
            Fixture.sigma("    keywords:\n        - 'zzz'\n    condition: keywords", id: "k"),
        ])
        let started = Date()
        #expect(engine.evaluate(event, now: Date()).isEmpty)
        #expect(Date().timeIntervalSince(started) < 5)
        let many = try TelemetryEvent.manyFromJSON(Data("{\"a\":1}\n{\"a\":2}\n  {\n\"a\": 3}".utf8))
        #expect(many.count == 3)
    }
}
