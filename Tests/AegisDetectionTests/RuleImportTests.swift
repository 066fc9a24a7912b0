import AegisDetection
import AegisDomain
import Foundation
import Testing

/// Every shared Sigma and Elastic rule is read: parsed, or refused with a
/// reason (no crash, no generic failure).
@Suite struct RuleImportTests {
    struct Tally {
        var parsed = 0, unsupported = 0, invalid = 0
        var reasons: [String] = []
        var definitions: [RuleDefinition] = []

        mutating func add(_ file: String, _ report: RuleFileReport) {
            for outcome in report.outcomes {
                switch outcome {
                case .parsed(let d):
                    parsed += 1
                    definitions.append(d)
                case .unsupported(let id, let feature):
                    unsupported += 1
                    reasons.append("unsupported \(file) [\(id ?? "-")]: \(feature)")
                case .invalid(let id, let reason):
                    invalid += 1
                    reasons.append("invalid \(file) [\(id ?? "-")]: \(reason)")
                }
            }
        }
    }

    @Test func allSigmaRulesAreParsedOrRefusedWithAReason() throws {
        let files = RealData.files(RealData.sigma, ["yml", "yaml"])
        #expect(files.count == 315)
        var tally = Tally()
        for url in files {
            let report = try RealData.report(url)  // format told apart by content
            #expect(report.format == .sigma, "\(url.lastPathComponent)")
            #expect(report.outcomes.count == 1, "\(url.lastPathComponent)")
            tally.add(url.lastPathComponent, report)
        }
        print("Sigma rules: \(tally.parsed) parsed, \(tally.unsupported) unsupported, \(tally.invalid) invalid")
        for line in tally.reasons { print("  \(line)") }
        #expect(tally.parsed + tally.unsupported + tally.invalid == 315)
        #expect(tally.parsed >= 300)
        // Refusals name a feature or a reason, never an empty text.
        #expect(tally.reasons.allSatisfy { !$0.hasSuffix(": ") })
        // Every parsed rule compiles again from its stored text, and carries ATT&CK ids.
        for d in tally.definitions {
            #expect(throws: Never.self) { try RuleCompiler.compile(d) }
            #expect(d.evaluable && d.format == .sigma)
        }
        #expect(tally.definitions.filter { !$0.techniqueIDs.isEmpty }.count > 250)
    }

    @Test func allElasticRulesAreReadForCoverage() throws {
        let files = RealData.files(RealData.elastic, ["toml"])
        #expect(files.count == 274)
        var tally = Tally()
        for url in files {
            let report = try RealData.report(url)
            #expect(report.format == .elastic, "\(url.lastPathComponent)")
            tally.add(url.lastPathComponent, report)
        }
        print("Elastic rules: \(tally.parsed) parsed, \(tally.unsupported) unsupported, \(tally.invalid) invalid")
        for line in tally.reasons { print("  \(line)") }
        #expect(tally.parsed == 274)
        #expect(tally.definitions.allSatisfy { !$0.evaluable && $0.format == .elastic })
        let withTechniques = tally.definitions.filter { !$0.techniqueIDs.isEmpty }
        print("  with ATT&CK techniques: \(withTechniques.count); with tactics: \(tally.definitions.filter { !$0.tacticIDs.isEmpty }.count)")
        #expect(withTechniques.count > 200)
        // Sub-techniques bring their parents.
        for d in withTechniques {
            for id in d.techniqueIDs where id.contains(".") { #expect(d.techniqueIDs.contains(String(id.prefix(5)))) }
        }
    }
}
