import AegisApp
import AegisDomain
import AegisTestSupport
import Foundation
import Testing

@testable import AegisStore

/// Detection rules as coverage, on whichever store the run uses: the
/// score's `rules` component, a technique's counts, the rules layer, the
/// coverage report and snapshots. Rules that fire (enabled or clipped, an
/// expired state counting as enabled) of every format count.
@Suite struct RuleCoverageTests {
    let dir: TemporaryDirectory
    let store: any StoreProvider
    let clock = ManualClock()
    let lead = Principal(kind: .apiKey, id: "key_lead", name: "lead", roles: [.blueLead])

    init() throws {
        dir = try TemporaryDirectory()
        store = try TestStore.open(try TestStore.freshURL(in: dir.url))
    }

    func env() throws -> AppEnvironment {
        AppEnvironment(
            clock: clock, crypto: TestCrypto(),
            uploads: try FileUploadStaging(root: dir.url.appendingPathComponent("uploads")),
            blobs: try FileBlobStore(root: dir.url.appendingPathComponent("blobs")), instanceID: "a",
            version: "0", startedAt: Date(), storeKind: store.kind)
    }

    func context() throws -> CallContext {
        CallContext(requestID: "r", principal: lead, peer: nil, session: try store.openSession())
    }

    func importCatalog(_ files: [UploadedFile]) throws {
        _ = try CatalogService(env: try env(), context: try context()).importCatalog(files)
    }

    func rules() throws -> RuleService { RuleService(env: try env(), context: try context()) }

    static func rule(_ id: String, _ format: RuleFormat, techniques: [String], name: String? = nil) -> RuleDefinition {
        RuleDefinition(
            id: id, format: format, name: name ?? "Rule \(id)", techniqueIDs: techniques,
            evaluable: format != .elastic, sourceText: "id: \(id)\n")
    }

    func rulesComponent(_ technique: String, domain: String) throws -> ScoreBreakdown.Component {
        let score = try ScoreService(env: try env(), context: try context()).technique(id: technique, domain: domain)
        return try #require(score.components.first { $0.name == "rules" })
    }

    /// T0803: two Sigma rules (one clipped), one Elastic, one native
    /// disabled. T0804: one Elastic rule disabled until an expiry.
    func seedICS() throws {
        try importCatalog([try TestData.file(TestData.icsBundle)])
        let service = try rules()
        _ = try service.put(
            [
                Self.rule("s-1", .sigma, techniques: ["T0803"], name: "Block command seen"),
                Self.rule("s-2", .sigma, techniques: ["T0803"], name: "Another block"),
                Self.rule("n-1", .native, techniques: ["T0803"]),
            ], origin: .import, sourceName: "a.yml", action: "rule.import")
        _ = try service.put(
            [Self.rule("e-1", .elastic, techniques: ["T0803", "T0804"], name: "Elastic block")],
            origin: .import, sourceName: "e.toml", action: "rule.import")
        _ = try service.setState(id: "s-2", version: 1, change: RuleStateChange(kind: .clipped, confidenceMax: 30))
        _ = try service.setState(id: "n-1", version: 1, change: RuleStateChange(kind: .disabled))
    }

    @Test func theRulesComponentCountsEnabledAndClippedRulesOfEveryFormat() throws {
        try seedICS()
        // T0803: s-1, s-2 (clipped) and e-1 fire; n-1 is disabled. Two earn the whole weight.
        let full = try rulesComponent("T0803", domain: "ics-attack")
        #expect(full.value == 1 && full.points == 10)
        #expect(full.explanation == "3 detection rules enabled or clipped (2 for full credit)")
        // T0804: the Elastic rule alone, half the weight.
        #expect(try rulesComponent("T0804", domain: "ics-attack").points == 5)
        #expect(try rulesComponent("T0800", domain: "ics-attack").points == 0)
        let counts = try store.openSession().read { try $0.scores.ruleCounts(techniqueID: "T0803", now: clock.now()) }
        #expect(counts.total == 4 && counts.firing == 3 && counts.disabled == 1)
        #expect(counts.byFormat == [.sigma: 2, .elastic: 1, .native: 1])
        #expect(counts.byState == [.enabled: 2, .clipped: 1, .disabled: 1])
        // Disabling all but one halves it; the org score moves with it.
        let service = try rules()
        let before = try ScoreService(env: try env(), context: try context()).org(domain: "ics-attack").score
        _ = try service.setState(id: "s-1", version: 1, change: RuleStateChange(kind: .disabled))
        _ = try service.setState(id: "e-1", version: 1, change: RuleStateChange(kind: .disabled))
        #expect(try rulesComponent("T0803", domain: "ics-attack").points == 5)
        #expect(try rulesComponent("T0804", domain: "ics-attack").points == 0)
        #expect(try ScoreService(env: try env(), context: try context()).org(domain: "ics-attack").score < before)
    }

    @Test func aStatePastItsExpiryCountsAsEnabledBeforeTheRevertRuns() throws {
        try seedICS()
        let service = try rules()
        _ = try service.setState(
            id: "e-1", version: 1, change: RuleStateChange(kind: .disabled, expiresAt: clock.now().addingTimeInterval(60)))
        #expect(try rulesComponent("T0804", domain: "ics-attack").points == 0)
        clock.advance(60)
        // Nothing reverted it yet: the stored state is still disabled.
        #expect(try service.rule(id: "e-1").rule.state.kind == .disabled)
        #expect(try rulesComponent("T0804", domain: "ics-attack").points == 5)
        let counts = try store.openSession().read { try $0.scores.ruleCounts(techniqueID: "T0804", now: clock.now()) }
        #expect(counts.byState == [.enabled: 1])
        // A clip past its expiry is enabled too (it fired anyway).
        _ = try service.setState(
            id: "s-1", version: 1, change: RuleStateChange(kind: .clipped, confidenceMax: 10, expiresAt: clock.now().addingTimeInterval(5)))
        clock.advance(5)
        let t0803 = try store.openSession().read { try $0.scores.ruleCounts(techniqueID: "T0803", now: clock.now()) }
        #expect(t0803.byState == [.enabled: 2, .clipped: 1, .disabled: 1])
    }

    @Test func theRulesLayerTheReportAndSnapshotsShowTheRules() throws {
        try seedICS()
        let layer = try LayerService(env: try env(), context: try context())
            .export(kind: .rules, filters: .init(domain: "ics-attack"), name: nil)
        #expect(layer.kind == "rules")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(layer.content.utf8)) as? [String: Any])
        #expect((json["gradient"] as? [String: Any])?["maxValue"] as? Double == 3)
        #expect((json["legendItems"] as? [[String: Any]])?.map { $0["label"] as? String } == ["0: no rule", "1 rule", "2 rules", "3+ rules"])
        let metadata = Dictionary(
            ((json["metadata"] as? [[String: Any]]) ?? []).compactMap { m in (m["name"] as? String).map { ($0, m["value"] as? String) } },
            uniquingKeysWith: { a, _ in a })
        #expect(metadata["rules"] == "3" && metadata["sigma"] == "2" && metadata["elastic"] == "1")
        #expect(metadata["native"] == "0" && metadata["disabled"] == "1")
        let entries = try #require(json["techniques"] as? [[String: Any]])
        let t0803 = try #require(entries.first { $0["techniqueID"] as? String == "T0803" })
        #expect(t0803["score"] as? Double == 3)
        #expect(t0803["comment"] as? String
            == "3 rules enabled or clipped: Another block (sigma, clipped), Block command seen (sigma), Elastic block (elastic); 1 disabled")
        #expect(entries.first { $0["techniqueID"] as? String == "T0804" }?["score"] as? Double == 1)
        #expect(entries.first { $0["techniqueID"] as? String == "T0800" }?["comment"] as? String == "no rule enabled or clipped")

        let report = try ReportService(env: try env(), context: try context()).coverage(domain: "ics-attack")
        let lines = report.tactics.flatMap(\.techniques)
        #expect(lines.first { $0.id == "T0803" }.map { ($0.rules, $0.rulesDisabled) } ?? (0, 0) == (3, 1))
        #expect(lines.first { $0.id == "T0804" }.map { ($0.rules, $0.rulesDisabled) } ?? (0, 0) == (1, 0))
        let csv = try ReportService(env: try env(), context: try context())
            .export(.coverage, format: nil, cursor: nil, options: .init(domain: "ics-attack"))
        let rows = csv.data.components(separatedBy: "\r\n")
        #expect(rows.first?.hasSuffix(",missed,rules,rules_disabled") == true)
        #expect(rows.contains { $0.contains(",T0803,") && $0.hasSuffix(",3,1") })

        let snapshot = try SnapshotService(env: try env(), context: try context()).create(name: "with rules", domain: "ics-attack")
        let detail = try SnapshotService(env: try env(), context: try context()).get(id: snapshot.id)
        #expect(detail.techniques.first { $0.techniqueID == "T0803" }?.score == 10)
        #expect(detail.techniques.first { $0.techniqueID == "T0804" }?.score == 5)
    }

    @Test func aLongListOfNamesIsCutAfterTen() throws {
        try importCatalog([try TestData.file(TestData.icsBundle)])
        _ = try rules().put(
            (1...13).map { Self.rule(String(format: "r-%02d", $0), .native, techniques: ["T0803"], name: String(format: "N%02d", $0)) },
            origin: .import, sourceName: "many.yml", action: "rule.import")
        let layer = try LayerService(env: try env(), context: try context())
            .export(kind: .rules, filters: .init(domain: "ics-attack"), name: nil)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(layer.content.utf8)) as? [String: Any])
        let entry = try #require((json["techniques"] as? [[String: Any]])?.first { $0["techniqueID"] as? String == "T0803" })
        #expect(entry["comment"] as? String
            == "13 rules enabled or clipped: " + (1...10).map { String(format: "N%02d (native)", $0) }.joined(separator: ", ")
            + " and 3 more")
    }

    @Test func aSubTechniqueRuleCountsForItselfAndItsParent() throws {
        try importCatalog(try TestData.lookupFiles())
        // As the parser gives them: a sub-technique brings its parent.
        _ = try rules().put(
            [
                Self.rule("ps-1", .sigma, techniques: ["T1059", "T1059.001"]),
                Self.rule("ps-2", .elastic, techniques: ["T1059", "T1059.001"]),
                Self.rule("sh-1", .native, techniques: ["T1059", "T1059.004"]),
            ], origin: .import, sourceName: "a.yml", action: "rule.import")
        let rows = try store.openSession().read { try $0.scores.scoreRows(.all, domain: "enterprise-attack", now: clock.now()) }
        let firing = Dictionary(rows.map { ($0.techniqueID, $0.evidence.firingRules) }, uniquingKeysWith: { a, _ in a })
        #expect(firing["T1059"] == 3 && firing["T1059.001"] == 2 && firing["T1059.004"] == 1 && firing["T1059.003"] == 0)
        #expect(try rulesComponent("T1059.004", domain: "enterprise-attack").points == 5)
        #expect(try rulesComponent("T1059", domain: "enterprise-attack").points == 10)
        // Each scope reads the same counts.
        let tactic = try store.openSession().read { try $0.scores.scoreRows(.tactic("execution"), domain: "enterprise-attack", now: clock.now()) }
        #expect(tactic.first { $0.techniqueID == "T1059.001" }?.evidence.firingRules == 2)
        let counts = try store.openSession().read { try $0.scores.ruleCounts(.tactic("execution"), domain: "enterprise-attack", now: clock.now()) }
        #expect(counts["T1059"]?.total == 3 && counts["T1059.001"]?.byFormat == [.sigma: 1, .elastic: 1])
        #expect(try store.openSession().read { try $0.scores.ruleCounts(techniqueID: "T1059.004", now: clock.now()) }.byFormat == [.native: 1])
    }
}
