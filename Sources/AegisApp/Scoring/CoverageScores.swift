import AegisDomain
import Foundation

/// Every technique of a scope scored under the weights in force, from one
/// aggregation over the maintained coverage rows (`ScoreRepository.scoreRows`).
struct CoverageScores {
    struct Scored {
        var entry: GroupScore.Entry
        var breakdown: ScoreBreakdown
        /// Tactic shortnames, matrix order.
        var tactics: [String]
        var evidence: TechniqueEvidence
    }

    let weights: ScoreWeights
    let scored: [Scored]

    init(_ repos: any Repositories, _ scope: ScoreScope, domain: String, now: Date) throws {
        let weights = try repos.scores.weights() ?? .defaults
        self.weights = weights
        scored = try repos.scores.scoreRows(scope, domain: domain, now: now).map { row in
            let breakdown = TechniqueScoring.score(row.evidence, weights: weights)
            return Scored(
                entry: .init(id: row.techniqueID, name: row.name, status: row.status, score: breakdown.score),
                breakdown: breakdown, tactics: row.tactics, evidence: row.evidence)
        }
    }

    var group: GroupScore { GroupScore(scored.map { ($0.entry, $0.breakdown) }, weights: weights) }

    /// Each of `tactics` (matrix order) with the mean score of its techniques.
    func tacticScores(_ tactics: [Tactic]) -> [TacticScore] {
        var byTactic: [String: [Double]] = [:]
        for item in scored {
            for shortname in item.tactics { byTactic[shortname, default: []].append(item.breakdown.score) }
        }
        return tactics.map { tactic in
            let scores = byTactic[tactic.shortname] ?? []
            let mean = scores.isEmpty ? 0 : scores.reduce(0, +) / Double(scores.count)
            return TacticScore(
                id: tactic.id, shortname: tactic.shortname, name: tactic.name, order: tactic.order,
                score: (mean * 10).rounded() / 10, techniques: scores.count)
        }
    }
}
