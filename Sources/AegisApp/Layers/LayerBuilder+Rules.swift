import AegisDomain

/// The `rules` layer's parts: each technique scored by how many of its
/// detection rules fire (enabled or clipped), the rules named in its
/// comment, and counts by format in the metadata.
extension LayerBuilder {
    /// Rules that fire, from 0 (red) through amber to 3 or more (green).
    static let ruleGradient = NavigatorLayer.Gradient(colors: ["#ff6666", "#ffe766", "#8ec843"], minValue: 0, maxValue: 3)
    /// Names shown in a comment before "and N more".
    static let namesInComment = 10

    static var ruleLegend: [NavigatorLayer.LegendItem] {
        [(0, "0: no rule"), (1, "1 rule"), (2, "2 rules"), (3, "3+ rules")].map { count, label in
            NavigatorLayer.LegendItem(
                label: label, color: NavigatorLayer.color(forScore: Double(count), gradient: ruleGradient) ?? "#ffffff")
        }
    }

    /// "2 rules enabled or clipped: A (sigma), B (elastic, clipped); 1 disabled".
    static func ruleComment(_ rules: [TechniqueRule]) -> String {
        let firing = rules.filter { $0.state != .disabled }
        let disabled = rules.count - firing.count
        var text = firing.isEmpty ? "no rule enabled or clipped" : "\(firing.count) rule\(firing.count == 1 ? "" : "s") enabled or clipped: "
        text += firing.prefix(namesInComment).map { rule in
            "\(rule.name) (\(rule.format.rawValue)\(rule.state == .clipped ? ", clipped" : ""))"
        }.joined(separator: ", ")
        if firing.count > namesInComment { text += " and \(firing.count - namesInComment) more" }
        if disabled > 0 { text += "; \(disabled) disabled" }
        return text
    }

    /// `rules` (that fire), then those by format, then `disabled`.
    static func ruleCounts(_ rules: [TechniqueRule]) -> [NavigatorLayer.Metadata] {
        let firing = rules.filter { $0.state != .disabled }
        return [.item(name: "rules", value: String(firing.count))]
            + RuleFormat.allCases.map { format in
                .item(name: format.rawValue, value: String(firing.filter { $0.format == format }.count))
            }
            + [.item(name: "disabled", value: String(rules.count - firing.count))]
    }

    /// The layer's counts: each rule once, however many of its techniques
    /// the layer holds.
    static func ruleSummary(_ rules: [TechniqueRule]) -> [NavigatorLayer.Metadata] {
        var distinct: [String: TechniqueRule] = [:]
        for rule in rules { distinct[rule.ruleID] = rule }
        return ruleCounts(Array(distinct.values))
    }
}
