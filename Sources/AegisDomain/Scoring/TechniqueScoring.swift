/// The technique score (docs/SCORING.md): five components, each earning a
/// share (0-1) of its weight.
///
/// - prevention: prevented procedures / validated procedures;
/// - detection: (prevented + detected + ½ logged) / validated procedures;
/// - rules: detection rules mapped to the technique that fire (enabled or
///   clipped, every format) / 2, at most 1;
/// - visibility: level / 4;
/// - freshness: mean freshness of the validated procedures.
///
/// A technique without validated procedures earns only rules and visibility.
public enum TechniqueScoring {
    /// Rules needed for the whole rules weight.
    public static let rulesForFullCredit = 2

    public static func score(_ e: TechniqueEvidence, weights: ScoreWeights) -> ScoreBreakdown {
        let n = Double(e.procedures)
        func share(_ count: Double) -> Double { n > 0 ? min(1, count / n) : 0 }
        let detected = Double(e.prevented + e.detected) + Double(e.logged) / 2
        let rules = min(1, Double(e.firingRules) / Double(rulesForFullCredit))
        let visibility = Double(min(4, max(0, e.visibility ?? 0))) / 4
        let validated = "of \(e.procedures) validated procedure\(e.procedures == 1 ? "" : "s")"
        let visibilityText: String = {
            guard let level = e.visibility else { return "visibility not set" }
            return "visibility \(level) of 4 (\(e.visibilitySource?.rawValue ?? "manual"))"
        }()
        return ScoreBreakdown(components: [
            .init(
                name: "prevention", weight: weights.prevention, value: share(Double(e.prevented)),
                explanation: "\(e.prevented) prevented \(validated)"),
            .init(
                name: "detection", weight: weights.detection, value: share(detected),
                explanation: "\(e.prevented) prevented, \(e.detected) detected, \(e.logged) logged (half) \(validated)"),
            .init(
                name: "rules", weight: weights.rules, value: rules,
                explanation: "\(e.firingRules) detection rule\(e.firingRules == 1 ? "" : "s") enabled or clipped (\(rulesForFullCredit) for full credit)"),
            .init(name: "visibility", weight: weights.visibility, value: visibility, explanation: visibilityText),
            .init(
                name: "freshness", weight: weights.freshness, value: share(e.freshness),
                explanation: e.procedures == 0
                    ? "nothing validated" : "mean freshness \(ScoreBreakdown.round(share(e.freshness) * 100))% (0 at \(Freshness.horizonDays) days)"),
        ])
    }
}
