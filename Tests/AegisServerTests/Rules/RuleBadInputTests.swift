import AegisClient
import AegisWire
import Foundation
import Testing

/// Bad rules and bad telemetry over the wire: each gets one clear answer,
/// nothing is half-written, and the daemon keeps serving.
@Suite(.serialized) struct RuleBadInputTests {
    static func file(_ name: String, _ content: String) -> MessagePackValue {
        .map(["name": .string(name), "content": .string(content)])
    }

    static func sigma(_ id: String, detection: String) -> String {
        """
        title: Test rule \(id)
        id: \(id)
        status: test
        level: high
        logsource:
          product: windows
          category: process_creation
        tags:
          - attack.execution
          - attack.t1059
        detection:
        \(detection)
        """
    }

    /// The status and reason of each rule of each file, in order.
    static func lines(_ report: MessagePackValue) -> [(status: String, reason: String)] {
        (report["files"]?.arrayValue ?? []).flatMap { $0["rules"]?.arrayValue ?? [] }.map {
            ($0["status"]?.stringValue ?? "", $0["reason"]?.stringValue ?? "")
        }
    }

    @Test func badRulesAreReportedPerFileAndNothingOfAFailedFileIsStored() throws {
        let team = try Team()
        let lead = team["bluelead"]
        let files: [MessagePackValue] = [
            Self.file("notes.yml", "shopping:\n  - milk\n  - eggs\n"),
            Self.file("undefined.yml", Self.sigma("11111111-0000-0000-0000-000000000001", detection: "  selection:\n    Image|endswith: '\\\\x.exe'\n  condition: selection and missing")),
            Self.file("unparsable.yml", Self.sigma("11111111-0000-0000-0000-000000000002", detection: "  selection:\n    Image: x\n  condition: selection and (")),
            Self.file("modifier.yml", Self.sigma("11111111-0000-0000-0000-000000000003", detection: "  selection:\n    Image|sideways: x\n  condition: selection")),
            Self.file("regex.yml", Self.sigma("11111111-0000-0000-0000-000000000004", detection: "  selection:\n    CommandLine|re: 'a(b'\n  condition: selection")),
            Self.file("expand.yml", Self.sigma("11111111-0000-0000-0000-000000000005", detection: "  selection:\n    Image|expand: '%x%'\n  condition: selection")),
            Self.file("elastic.toml", "[metadata]\nmaturity = \"production\"\n\n[rule]\nname = \"No id\"\ntype = \"query\"\nquery = \"x\"\nseverity = \"low\"\nrisk_score = 21\n"),
            Self.file("native-empty.yml", "rule_id: aegis-empty\nname: Empty\nmatch:\n  field: CommandLine\n  pattern: x\nemits: []\n"),
            Self.file("native-unknown.yml", "rule_id: aegis-unknown\nname: Unknown\nmatch:\n  field: CommandLine\n  pattern: x\nemits:\n  - technique_id: T0999\n    tactic: execution\n"),
        ]
        let report = try lead.call("rule.import", ["files": .array(files)])
        let statuses = Self.lines(report).map(\.status)
        #expect(statuses == ["invalid", "invalid", "invalid", "unsupported", "invalid", "unsupported", "invalid", "invalid", "invalid"])
        for (status, reason) in Self.lines(report) { #expect(!reason.isEmpty, "\(status) without a reason") }
        #expect(Self.lines(report)[8].reason.contains("T0999"))
        #expect(report["totals"]?["imported"] == 0)
        #expect(try team["viewer1"].call("rule.list")["items"] == .array([]))

        // A file with a good rule and a bad one stores neither.
        let good = Self.sigma("22222222-0000-0000-0000-000000000001", detection: "  selection:\n    Image|endswith: '\\\\whoami.exe'\n  condition: selection")
        let bad = Self.sigma("22222222-0000-0000-0000-000000000002", detection: "  selection:\n    Image: x\n  condition: nope")
        let mixed = try lead.call("rule.import", ["files": .array([Self.file("mixed.yml", good + "\n---\n" + bad)])])
        #expect(Self.lines(mixed).map(\.status) == ["invalid", "invalid"])
        #expect(Self.lines(mixed)[0].reason.hasPrefix("not imported"))
        #expect(try team["viewer1"].call("rule.list")["items"] == .array([]))

        // An id keeps its format.
        #expect(Self.lines(try lead.call("rule.import", ["files": .array([Self.file("good.yml", good)])])).map(\.status) == ["imported"])
        let clash = "rule_id: 22222222-0000-0000-0000-000000000001\nname: Same id\nmatch:\n  field: CommandLine\n  pattern: x\nemits:\n  - technique_id: T0803\n    tactic: execution\n"
        let refused = Self.lines(try lead.call("rule.import", ["files": .array([Self.file("clash.yml", clash)])]))
        #expect(refused.map(\.status) == ["invalid"] && refused[0].reason.contains("already a sigma rule"))
        #expect(try team["viewer1"].call("rule.get", ["id": "22222222-0000-0000-0000-000000000001"])["format"] == "sigma")
    }

    @Test func badStateChangesAreRefusedAndChangeNothing() throws {
        let team = try Team()
        let lead = team["bluelead"]
        let good = Self.sigma("33333333-0000-0000-0000-000000000001", detection: "  selection:\n    Image|endswith: '\\\\whoami.exe'\n  condition: selection")
        _ = try lead.call("rule.import", ["files": .array([Self.file("good.yml", good)])])
        let id: MessagePackValue = "33333333-0000-0000-0000-000000000001"
        #expect(code { try lead.call("rule.set_state", ["id": id, "version": 7, "state": "disabled"]) } == "CONFLICT")
        #expect(code { try lead.call("rule.set_state", ["id": id, "version": 1, "state": "paused"]) } == "INVALID_ARGUMENT")
        #expect(
            code {
                try lead.call("rule.set_state", ["id": id, "version": 1, "state": "disabled", "expires_at": .timestamp(Date().addingTimeInterval(-60))])
            } == "INVALID_ARGUMENT")
        #expect(code { try lead.call("rule.set_state", ["id": "nope", "version": 1, "state": "disabled"]) } == "NOT_FOUND")
        #expect(code { try team["blueanalyst"].call("rule.set_state", ["id": id, "version": 1, "state": "disabled"]) } == "PERMISSION_DENIED")
        let rule = try team["viewer1"].call("rule.get", ["id": id])
        #expect(rule["version"] == 1 && rule["state"]?["state"] == "enabled")
    }

    @Test func badTelemetryIsRefusedWholeAndACatastrophicRegexCostsBoundedTime() throws {
        let team = try Team()
        let created = try team.admin.call("api_key.create", ["name": "sensor", "roles": ["ingest"]])
        let sensor = try team.daemon.client(key: .some(try #require(created["key"]?.stringValue)))
        let backtracking = Self.sigma(
            "44444444-0000-0000-0000-000000000001", detection: "  selection:\n    CommandLine|re: '^(a+)+$'\n  condition: selection")
        _ = try team["bluelead"].call("rule.import", ["files": .array([Self.file("slow.yml", backtracking)])])

        // Too many events: refused with the limit named, before any is read.
        let many = MessagePackValue.array(Array(repeating: .map(["a": 1]), count: 100_000))
        #expect(code { try sensor.call("telemetry.ingest", ["events": many]) } == "INVALID_ARGUMENT")
        #expect(details { try sensor.call("telemetry.ingest", ["events": many]) }?["max"] == 5_000)
        // Not maps or JSON; JSON nested too deep; the whole batch is refused, nothing stored.
        let good: MessagePackValue = .map(["CommandLine": "whoami", "Computer": "ws-1"])
        #expect(details { try sensor.call("telemetry.ingest", ["events": [good, 42]]) }?["field"] == "events[1]")
        #expect(code { try sensor.call("telemetry.ingest", ["events": [good, "{not json"]]) } == "INVALID_ARGUMENT")
        let deep = String(repeating: "{\"a\":", count: 200) + "1" + String(repeating: "}", count: 200)
        #expect(code { try sensor.call("telemetry.ingest", ["events": [good, .string(deep)]]) } == "INVALID_ARGUMENT")
        #expect(try team.admin.call("system.stats")["engine"]?["events_evaluated"] == 0)

        // A 1 MB field and a catastrophic regex: answered, bounded, counted.
        let huge: MessagePackValue = .map([
            "CommandLine": .string(String(repeating: "a", count: 1 << 20) + "!"), "Image": "C:\\x.exe",
            "EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational", "Computer": "ws-1",
        ])
        let answered = try sensor.call("telemetry.ingest", ["events": [huge]])
        #expect(answered["event_ids"]?.arrayValue?.count == 1 && answered["detection_ids"] == .array([]))
        let stats = try team.admin.call("system.stats")
        #expect((stats["engine"]?["regex_limit_hits"]?.intValue ?? 0) >= 1)
        // Still serving.
        #expect(try team["viewer1"].call("rule.list")["items"]?.arrayValue?.count == 1)
    }
}
