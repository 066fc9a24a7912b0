import AegisDetection
import AegisDomain
import Foundation
import Testing

@Suite struct RuleFormatTests {
    static let native = """
        rule_id: aegis-encoded-powershell
        rule_version: 3
        name: Encoded PowerShell command line
        description: PowerShell started with an encoded command.
        applies_to: [sysmon, windows_security]
        match:
          field: CommandLine
          pattern: '(?i)\\s-(e|ec|enc|encodedcommand)\\s'
        emits:
          - technique_id: T1059
            sub_technique_id: "001"
            tactic: execution
            confidence: 80
          - technique_id: T1027
            tactic: defense-evasion
            confidence: 60
        evidence_fields: [CommandLine, Image, User]
        """

    @Test func nativeRuleWithFieldAndPattern() throws {
        let report = RuleParser.parse(name: "native.yml", content: Self.native, format: nil)
        #expect(report.format == .native)
        guard case .parsed(let d)? = report.outcomes.first else { Issue.record("\(report.outcomes)"); return }
        #expect(d.id == "aegis-encoded-powershell" && d.ruleVersion == "3" && d.evaluable)
        #expect(d.techniqueIDs == ["T1027", "T1059", "T1059.001"])
        #expect(d.tacticIDs == ["TA0002", "TA0005"])
        let rule = try RuleCompiler.compile(d)
        #expect(rule.baseConfidence == 80)
        let event = try #require(Fixture.sysmon(1, ["Image": "C:\\ps.exe", "CommandLine": "powershell -enc ZQBjAGgAbwA=", "User": "bob"]))
        let engine = RuleEngine(rules: RuleSet(rules: [.init(rule: rule, revision: 7)]))
        let matches = engine.evaluate(event, now: Date())
        #expect(matches.count == 1)
        #expect(matches.first?.revision == 7 && matches.first?.confidence == 80)
        #expect(matches.first?.evidence == ["CommandLine": "powershell -enc ZQBjAGgAbwA=", "Image": "C:\\ps.exe", "User": "bob"])
        // applies_to: an event of another source kind is not evaluated.
        let linux = TelemetryEvent(fields: ["CommandLine": "pwsh -enc x "], source: "auditd")
        #expect(engine.evaluate(linux, now: Date()).isEmpty)
        #expect(engine.evaluate(TelemetryEvent(fields: ["CommandLine": "pwsh -enc x "], source: "sysmon"), now: Date()).count == 1)
    }

    @Test func nativeRuleWithADetectionBlock() throws {
        let text = """
            rule_id: aegis-whoami
            name: whoami
            match:
              detection:
                selection:
                  Image|endswith: '\\whoami.exe'
                filter:
                  User: SYSTEM
                condition: selection and not filter
            emits:
              - technique_id: T1033
                tactic: discovery
            """
        let rule = try Fixture.compile(text)
        #expect(rule.definition.format == .native && rule.baseConfidence == 50)
        #expect(RuleEngine.test(rule, on: TelemetryEvent(fields: ["Image": "C:\\whoami.exe", "User": "bob"])).matched)
        #expect(!RuleEngine.test(rule, on: TelemetryEvent(fields: ["Image": "C:\\whoami.exe", "User": "system"])).matched)
    }

    @Test func nativeRefusals() throws {
        let noTechnique = Self.native.replacingOccurrences(of: "  - technique_id: T1059\n    sub_technique_id: \"001\"\n", with: "  - sub_technique_id: \"001\"\n")
        let outcome = try #require(Fixture.outcome(noTechnique))
        #expect(outcome.isInvalid && outcome.text.contains("no technique_id"))
        let badRegex = Self.native.replacingOccurrences(of: "pattern: '(?i)", with: "pattern: '(?i")
        #expect(try #require(Fixture.outcome(badRegex)).isInvalid)
        let badTactic = Self.native.replacingOccurrences(of: "tactic: execution", with: "tactic: lunch")
        #expect(try #require(Fixture.outcome(badTactic)).isInvalid)
        let badSub = Self.native.replacingOccurrences(of: "sub_technique_id: \"001\"", with: "sub_technique_id: T1003.001")
        #expect(try #require(Fixture.outcome(badSub)).isInvalid)
    }

    @Test func elasticRule() throws {
        let toml = """
            [metadata]
            maturity = "production"
            updated_date = "2026/01/02"

            [rule]
            rule_id = "0b1c2d3e"
            name = "Suspicious thing"
            description = "desc"
            type = "eql"
            language = "eql"
            query = "process where true"
            severity = "High"
            risk_score = 73

            [[rule.threat]]
            framework = "MITRE ATT&CK"
            [rule.threat.tactic]
            id = "TA0002"
            name = "Execution"
            [[rule.threat.technique]]
            id = "T1059"
            [[rule.threat.technique.subtechnique]]
            id = "T1059.003"
            """
        let report = RuleParser.parse(name: "x.toml", content: toml, format: nil)
        #expect(report.format == .elastic)
        guard case .parsed(let d)? = report.outcomes.first else { Issue.record("\(report.outcomes)"); return }
        #expect(d.id == "0b1c2d3e" && !d.evaluable && d.level == "high" && d.status == "production")
        #expect(d.techniqueIDs == ["T1059", "T1059.003"] && d.tacticIDs == ["TA0002"] && d.ruleVersion == "2026/01/02")
        #expect(throws: RuleRejection.self) { try RuleCompiler.compile(d) }
        let noID = try #require(RuleParser.parse(name: "x.toml", content: toml.replacingOccurrences(of: "rule_id = \"0b1c2d3e\"\n", with: ""), format: nil).outcomes.first)
        #expect(noID.isInvalid && noID.text.contains("rule_id"))
        let broken = try #require(RuleParser.parse(name: "x.toml", content: "[rule\nname = 1", format: .elastic).outcomes.first)
        #expect(broken.isInvalid)
    }

    @Test func filesThatAreNotRules() throws {
        let yaml = RuleParser.parse(name: "a.yml", content: "just: some\nyaml: [1, 2]\n", format: nil)
        #expect(yaml.format == nil && yaml.outcomes.count == 1)
        if case .invalid(let id, _)? = yaml.outcomes.first { #expect(id == nil) } else { Issue.record("not invalid") }
        let garbage = RuleParser.parse(name: "b.bin", data: Data([0xFF, 0xFE, 0x00, 0x41]), format: nil)
        #expect(garbage.outcomes.first?.isInvalid == true)
        let notMapping = RuleParser.parse(name: "c.yml", content: "- a\n- b\n", format: .sigma)
        #expect(notMapping.outcomes.first?.isInvalid == true)
        let badYAML = RuleParser.parse(name: "d.yml", content: "title: [unclosed\n", format: .sigma)
        #expect(badYAML.outcomes.first?.isInvalid == true)
        let sigmaWithoutDetection = RuleParser.parse(name: "e.yml", content: "title: x\nid: y\nlogsource:\n  product: windows\n", format: nil)
        #expect(sigmaWithoutDetection.format == .sigma && sigmaWithoutDetection.outcomes.first?.isInvalid == true)
        // Billion laughs: aliases are counted expanded and refused.
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 { bomb += "\(Character(UnicodeScalar(97 + i)!)): &\(Character(UnicodeScalar(97 + i)!)) [" + Array(repeating: "*\(Character(UnicodeScalar(96 + i)!))", count: 10).joined(separator: ", ") + "]\n" }
        let laughs = RuleParser.parse(name: "f.yml", content: bomb + "detection: {}\n", format: .sigma)
        #expect(laughs.outcomes.first?.text.contains("too large") == true)
    }

    @Test func multiDocumentFileGivesOneOutcomePerDocument() throws {
        let text = Fixture.sigma("    sel:\n        Image|endswith: '\\\\net.exe'\n    condition: sel", id: "base-1")
            + "\nname: net_use\n---\n"
            + """
            title: Many net.exe
            id: corr-1
            level: critical
            correlation:
                type: event_count
                rules:
                    - net_use
                group-by:
                    - Computer
                timespan: 5m
                condition:
                    gte: 3
            ---
            title: broken
            id: broken-1
            logsource:
                product: windows
            detection:
                sel:
                    Image|nope: x
                condition: sel
            """
        let report = RuleParser.parse(name: "multi.yml", content: text, format: nil)
        #expect(report.outcomes.count == 3)
        #expect(report.parsed.map(\.id) == ["base-1", "corr-1"])
        #expect(report.parsed.last?.kind == .correlation && report.parsed.last?.referencedRules == ["net_use"])
        #expect(report.parsed.first?.referenceName == "net_use")
        if case .unsupported(let id, _)? = report.outcomes.last { #expect(id == "broken-1") } else { Issue.record("\(report.outcomes)") }
        // Each document keeps its own text.
        #expect(report.parsed.allSatisfy { !$0.sourceText.contains("---") })
    }

    @Test func tagsGiveTechniquesWithParentsAndTactics() throws {
        let (techniques, tactics) = AttackTags.fromSigmaTags([
            "attack.t1059.001", "attack.T1218", "attack.execution", "attack.defense_evasion", "attack.g0016", "cve.2021-1",
            "attack.command-and-control", "attack.inhibit-response-function",
        ])
        #expect(techniques == ["T1059", "T1059.001", "T1218"])
        #expect(tactics == ["TA0002", "TA0005", "TA0011", "TA0107"])
    }
}
