import AegisDomain
import Foundation
import Testing

@Suite struct TechniqueScoringTests {
    func points(_ b: ScoreBreakdown) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: b.components.map { ($0.name, $0.points) })
    }

    @Test func nothingKnownScoresZero() {
        let b = TechniqueScoring.score(TechniqueEvidence(techniqueID: "T1059"), weights: .defaults)
        #expect(b.score == 0)
        #expect(b.components.map(\.name) == ["prevention", "detection", "rules", "visibility", "freshness"])
        #expect(b.components.map(\.weight) == [25, 35, 10, 20, 10])
    }

    @Test func everythingEarnedScoresOneHundred() {
        let e = TechniqueEvidence(
            techniqueID: "T1059", procedures: 2, prevented: 2, freshness: 2, firingRules: 5, visibility: 4,
            visibilitySource: .manual)
        #expect(TechniqueScoring.score(e, weights: .defaults).score == 100)
    }

    /// Prevented earns prevention and detection; logged earns half the
    /// detection; missed earns nothing.
    @Test func outcomesEarnTheirShares() {
        let e = TechniqueEvidence(
            techniqueID: "T1059", procedures: 4, prevented: 1, detected: 1, logged: 1, missed: 1, freshness: 2)
        let p = points(TechniqueScoring.score(e, weights: .defaults))
        #expect(p["prevention"] == 6.3)  // 25 × 1/4
        #expect(p["detection"] == 21.9)  // 35 × 2.5/4
        #expect(p["freshness"] == 5)  // 10 × 2/4
        #expect(p["rules"] == 0)
        #expect(p["visibility"] == 0)
        #expect(TechniqueScoring.score(e, weights: .defaults).score == 33.1)
    }

    @Test func rulesAndVisibilityCountWithoutTests() {
        let e = TechniqueEvidence(techniqueID: "T1059", firingRules: 1, visibility: 2, visibilitySource: .manual)
        let b = TechniqueScoring.score(e, weights: .defaults)
        #expect(points(b)["rules"] == 5)
        #expect(points(b)["visibility"] == 10)
        #expect(b.score == 15)
        #expect(b.components[3].explanation == "visibility 2 of 4 (manual)")
    }

    @Test func freshnessFallsLinearlyToZeroAtTheHorizon() {
        let now = Date(timeIntervalSince1970: 1_000_000_000)
        #expect(Freshness.of(validatedAt: now, now: now) == 1)
        #expect(Freshness.of(validatedAt: now.addingTimeInterval(3600), now: now) == 1)
        let half = Freshness.of(validatedAt: now.addingTimeInterval(-182.5 * 86_400), now: now)
        #expect(abs(half - 0.5) < 1e-9)
        #expect(Freshness.of(validatedAt: now.addingTimeInterval(-400 * 86_400), now: now) == 0)
    }

    @Test func weightsMustBeWholeSharesOfOneHundred() throws {
        try ScoreWeights.defaults.validate()
        try ScoreWeights(prevention: 100, detection: 0, rules: 0, visibility: 0, freshness: 0).validate()
        let sum = #expect(throws: AegisError.self) {
            try ScoreWeights(prevention: 20, detection: 20, rules: 20, visibility: 20, freshness: 10).validate()
        }
        #expect(sum?.code == .invalidArgument)
        #expect(sum?.details["sum"] == .int(90))
        let negative = #expect(throws: AegisError.self) {
            try ScoreWeights(prevention: -10, detection: 60, rules: 20, visibility: 20, freshness: 10).validate()
        }
        #expect(negative?.details["field"] == .string("prevention"))
    }

    @Test func groupsAverageTheirTechniquesAndListTheWeakest() {
        let weights = ScoreWeights.defaults
        let scored = (0..<12).map { i -> (entry: GroupScore.Entry, breakdown: ScoreBreakdown) in
            let e = TechniqueEvidence(techniqueID: "T10\(i + 10)", procedures: 1, detected: i < 3 ? 1 : 0, missed: i < 3 ? 0 : 1)
            let b = TechniqueScoring.score(e, weights: weights)
            return (GroupScore.Entry(id: e.techniqueID, name: "t\(i)", status: i < 3 ? .detected : .missed, score: b.score), b)
        }
        let group = GroupScore(scored, weights: weights)
        #expect(group.techniques == 12)
        #expect(group.score == 8.8)  // 3 × 35 / 12
        #expect(group.statuses["detected"] == 3)
        #expect(group.statuses["missed"] == 9)
        #expect(group.statuses["untested"] == 0)
        #expect(group.weakest.count == 10)
        #expect(group.weakest.first?.id == "T1013")
        #expect(group.components.first { $0.name == "detection" }?.value == 0.25)
        #expect(GroupScore([], weights: weights).score == 0)
    }
}
