import AegisDomain
import Foundation

/// Builds the Navigator layer of each kind from scores or a snapshot diff.
/// A technique gets one entry per tactic it sits in.
enum LayerBuilder {
    case coverage(CoverageScores, title: String)
    case detection(CoverageScores, title: String)
    case actor(CoverageScores, actor: ThreatActor)
    case snapshotDiff(SnapshotDiff, tactics: [String: [String]])
    /// `rules`: the rules mapped to the scored techniques, by technique.
    case rules(CoverageScores, rules: [TechniqueRule], title: String)

    /// Red (0) through amber to green (100).
    static let scoreGradient = NavigatorLayer.Gradient.default
    /// Red (-100) through white (0) to green (100).
    static let deltaGradient = NavigatorLayer.Gradient(colors: ["#ff6666", "#ffffff", "#8ec843"], minValue: -100, maxValue: 100)

    func layer(domain: String, attackVersion: String?, now: Date) -> NavigatorLayer {
        let stamp = ISO8601DateFormatter().string(from: now)
        var metadata: [NavigatorLayer.Metadata] = [.item(name: "generated_by", value: "Aegis"), .item(name: "generated_at", value: stamp)]
        let entries: [NavigatorLayer.Technique]
        let name: String
        let description: String
        var gradient = Self.scoreGradient
        var legend = [
            NavigatorLayer.LegendItem(label: "0: not covered", color: "#ff6666"),
            .init(label: "50", color: "#ffe766"), .init(label: "100: fully covered", color: "#8ec843"),
        ]
        switch self {
        case .coverage(let scores, let title):
            name = title
            description = "Technique scores (docs/SCORING.md); untested techniques are left blank."
            metadata += Self.summary(scores)
            entries = scores.scored.flatMap { item in
                Self.entries(item, score: item.entry.status == .untested ? nil : item.entry.score, comment: Self.comment(item))
            }
        case .detection(let scores, let title):
            name = title
            description = "How well each technique is detected: the detection share of its validated procedures, 0-100."
            metadata += Self.summary(scores)
            entries = scores.scored.flatMap { item -> [NavigatorLayer.Technique] in
                let e = item.evidence
                let share = item.breakdown.components.first { $0.name == "detection" }?.value ?? 0
                let comment = "\(e.prevented) prevented, \(e.detected) detected, \(e.logged) logged, \(e.missed) missed"
                return Self.entries(item, score: e.procedures == 0 ? nil : Self.round(share * 100), comment: comment)
            }
        case .actor(let scores, let actor):
            name = "\(actor.id) \(actor.name): our coverage"
            description = "The techniques \(actor.name) uses, scored by how well we cover them."
            metadata += [.item(name: "actor", value: "\(actor.id) \(actor.name)")] + Self.summary(scores)
            entries = scores.scored.flatMap { item in
                Self.entries(item, score: item.entry.score, comment: "used by \(actor.id); " + Self.comment(item))
            }
        case .rules(let scores, let rules, let title):
            name = title
            description = "Detection rules that fire (enabled or clipped) per technique, every format; named in the comment."
            gradient = Self.ruleGradient
            legend = Self.ruleLegend
            let byTechnique = Dictionary(grouping: rules, by: \.techniqueID)
            let inLayer = Set(scores.scored.map(\.entry.id))
            metadata += Self.ruleSummary(rules.filter { inLayer.contains($0.techniqueID) })
            entries = scores.scored.flatMap { item in
                let mapped = byTechnique[item.entry.id] ?? []
                return Self.entries(
                    item, score: Double(mapped.filter { $0.state != .disabled }.count), comment: Self.ruleComment(mapped),
                    metadata: Self.ruleCounts(mapped))
            }
        case .snapshotDiff(let diff, let tactics):
            name = "Coverage change: \(diff.from.name) → \(diff.to.name)"
            description = "Score change per technique, from -100 (regressed) to 100 (improved)."
            gradient = Self.deltaGradient
            legend = [
                .init(label: "regressed", color: "#ff6666"), .init(label: "unchanged", color: "#ffffff"),
                .init(label: "improved", color: "#8ec843"),
            ]
            metadata += [
                .item(name: "from", value: diff.from.id ?? diff.from.name),
                .item(name: "to", value: diff.to.id ?? "now"),
                .item(name: "score_delta", value: String(diff.scoreDelta)),
            ]
            entries = (diff.improved + diff.regressed).sorted { $0.techniqueID < $1.techniqueID }.flatMap { change in
                let comment =
                    "\(Self.text(change.fromScore)) (\(change.fromStatus?.rawValue ?? "absent")) → "
                    + "\(Self.text(change.toScore)) (\(change.toStatus?.rawValue ?? "absent"))"
                let places = tactics[change.techniqueID] ?? []
                let tacticList: [String?] = places.isEmpty ? [nil] : places
                return tacticList.map { tactic in
                    NavigatorLayer.Technique(
                        techniqueID: change.techniqueID, tactic: tactic, score: change.delta, comment: comment,
                        metadata: [.item(name: "delta", value: String(change.delta))])
                }
            }
        }
        // Each scored entry carries its gradient colour too, so the file
        // reads the same in tools that do not apply the gradient.
        let colored = entries.map { entry -> NavigatorLayer.Technique in
            var entry = entry
            if let score = entry.score { entry.color = NavigatorLayer.color(forScore: score, gradient: gradient) }
            return entry
        }
        return NavigatorLayer(
            name: name, description: description, domain: domain, attackVersion: attackVersion, techniques: colored,
            gradient: gradient, legendItems: legend, metadata: metadata, sorting: .scoreDescending)
    }

    /// The technique's entries; `metadata` defaults to its status and score.
    static func entries(
        _ item: CoverageScores.Scored, score: Double?, comment: String, metadata: [NavigatorLayer.Metadata]? = nil
    ) -> [NavigatorLayer.Technique] {
        // The components are in the comment; metadata holds what filters use.
        let metadata = metadata ?? [
            .item(name: "status", value: item.entry.status.rawValue), .item(name: "score", value: String(item.entry.score)),
        ]
        let places: [String?] = item.tactics.isEmpty ? [nil] : item.tactics
        return places.map { tactic in
            NavigatorLayer.Technique(
                techniqueID: item.entry.id, tactic: tactic, score: score, comment: comment, metadata: metadata)
        }
    }

    private static func comment(_ item: CoverageScores.Scored) -> String {
        "\(item.entry.status.rawValue), score \(item.entry.score): "
            + item.breakdown.components.map { "\($0.name) \($0.points)/\($0.weight)" }.joined(separator: ", ")
    }

    private static func summary(_ scores: CoverageScores) -> [NavigatorLayer.Metadata] {
        [
            .item(name: "score", value: String(scores.group.score)),
            .item(name: "weights_version", value: String(scores.weights.version)),
        ]
    }

    private static func text(_ score: Double?) -> String { score.map { String($0) } ?? "–" }
    private static func round(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
