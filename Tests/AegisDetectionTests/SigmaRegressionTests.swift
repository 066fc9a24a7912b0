import AegisDetection
import AegisDomain
import Foundation
import Testing

/// SigmaHQ's regression cases: each rule the engine supports fires on the
/// events recorded for it, as many times as the case says.
@Suite struct SigmaRegressionTests {
    struct Case {
        var folder: URL
        var ruleID: String
        var matchCount: Int?
    }

    static func cases() throws -> [Case] {
        try RealData.files(RealData.regression.appendingPathComponent("regression_data"), ["yml"])
            .filter { $0.lastPathComponent == "info.yml" }
            .map { url in
                let text = try String(contentsOf: url, encoding: .utf8)
                // info.yml is small and regular: rule_metadata's first id and match_count.
                let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let metadata = lines.firstIndex(of: "rule_metadata:"),
                    let idLine = lines[metadata...].first(where: { $0.hasPrefix("- id:") })
                else { throw CocoaError(.fileReadCorruptFile) }
                let count = lines.first { $0.hasPrefix("match_count:") }.flatMap { Int($0.dropFirst(12).trimmingCharacters(in: .whitespaces)) }
                return Case(folder: url.deletingLastPathComponent(), ruleID: String(idLine.dropFirst(5).trimmingCharacters(in: .whitespaces)), matchCount: count)
            }
    }

    /// Every rule under the regression folder's rules*/, by id.
    static func rules() throws -> [String: RuleParseOutcome] {
        var byID: [String: RuleParseOutcome] = [:]
        for folder in ["rules", "rules-emerging-threats"] {
            for url in RealData.files(RealData.regression.appendingPathComponent(folder), ["yml"]) {
                for outcome in try RealData.report(url, .sigma).outcomes {
                    switch outcome {
                    case .parsed(let d): byID[d.id] = outcome
                    case .invalid(let id?, _), .unsupported(let id?, _): byID[id] = outcome
                    default: break
                    }
                }
            }
        }
        return byID
    }

    @Test func everySupportedRuleFiresOnItsEvents() throws {
        let cases = try Self.cases()
        let rules = try Self.rules()
        #expect(cases.count == 101)
        var fired = 0
        var refused: [String] = []
        var failures: [String] = []
        for c in cases {
            guard let outcome = rules[c.ruleID] else { failures.append("\(c.ruleID): rule not found"); continue }
            guard case .parsed(let definition) = outcome else {
                refused.append("\(c.ruleID): \(outcome)")
                continue
            }
            let engine = RuleEngine(rules: try RealData.ruleSet([definition]))
            var matched = 0
            var events = 0
            for file in RealData.files(c.folder, ["json"]) {
                for event in try TelemetryEvent.manyFromJSON(try Data(contentsOf: file)) {
                    events += 1
                    matched += engine.evaluate(event, now: Date()).filter { $0.ruleID == c.ruleID }.count
                }
            }
            // match_count counts the matching events of the original evtx;
            // a case whose converted events all match is taken as well.
            let expected = c.matchCount ?? events
            if matched > 0 && (matched == expected || matched == events) {
                fired += 1
                if matched != expected { print("  note: \(c.ruleID): all \(events) events match; match_count says \(expected)") }
            } else {
                failures.append("\(c.ruleID) (\(definition.name)) in \(c.folder.lastPathComponent): \(matched) of \(events) events matched, expected \(expected)")
            }
        }
        print("Sigma regression: \(fired) of \(cases.count) cases fire; \(refused.count) refused")
        for line in refused { print("  refused: \(line)") }
        for line in failures { print("  FAILED: \(line)") }
        #expect(failures.isEmpty)
        #expect(fired + refused.count == cases.count)
    }
}
