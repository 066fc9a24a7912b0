import AegisDetection
import AegisDomain
import Foundation

/// Small helpers: a Sigma rule from a detection block, an event from fields.
enum Fixture {
    static func sigma(
        _ detection: String, id: String = "r-1", logsource: String = "    category: process_creation\n    product: windows",
        level: String = "high", extra: String = ""
    ) -> String {
        """
        title: Test rule \(id)
        id: \(id)
        status: test
        level: \(level)
        tags:
            - attack.execution
            - attack.t1059.001
        logsource:
        \(logsource)
        detection:
        \(detection)
        \(extra)
        """
    }

    /// Parses one document; the outcome's definition compiled.
    static func compile(_ text: String, format: RuleFormat? = nil) throws -> CompiledRule {
        let report = RuleParser.parse(name: "test.yml", content: text, format: format)
        guard case .parsed(let definition)? = report.outcomes.first else {
            throw FixtureError(description: "not parsed: \(report.outcomes)")
        }
        return try RuleCompiler.compile(definition)
    }

    static func outcome(_ text: String, format: RuleFormat? = nil) -> RuleParseOutcome? {
        RuleParser.parse(name: "test.yml", content: text, format: format).outcomes.first
    }

    /// Whether the detection block matches the flat event.
    static func matches(_ detection: String, _ fields: [String: Value]) throws -> Bool {
        let rule = try compile(sigma(detection))
        return RuleEngine.test(rule, on: TelemetryEvent(fields: fields)).matched
    }

    static func sysmon(_ id: Int64, _ data: [String: Value], computer: String = "host-1") -> TelemetryEvent? {
        try? TelemetryEvent.from([
            "Event": [
                "System": [
                    "Provider": ["#attributes": ["Name": "Microsoft-Windows-Sysmon"]], "EventID": .int(id),
                    "Channel": "Microsoft-Windows-Sysmon/Operational", "Computer": .string(computer),
                    "TimeCreated": ["#attributes": ["SystemTime": "2026-04-17T05:24:53.092051Z"]],
                ],
                "EventData": .map(data),
            ]
        ])
    }
}

struct FixtureError: Error, CustomStringConvertible { var description: String }

extension RuleParseOutcome {
    var isInvalid: Bool { if case .invalid = self { true } else { false } }
    var isUnsupported: Bool { if case .unsupported = self { true } else { false } }
    var text: String {
        switch self {
        case .parsed(let d): "parsed \(d.id)"
        case .invalid(_, let reason): reason
        case .unsupported(_, let feature): feature
        }
    }
}
