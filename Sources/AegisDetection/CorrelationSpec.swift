import Foundation

/// A Sigma correlation rule, read: which rules it counts, grouped how,
/// over what time, and when it fires.
struct CorrelationSpec: Sendable {
    enum Kind: String, Sendable {
        case eventCount = "event_count"
        case valueCount = "value_count"
        case temporal
        case temporalOrdered = "temporal_ordered"
    }

    let kind: Kind
    /// Base rules by id or Sigma `name`, in order (the order counts for `temporal_ordered`).
    let rules: [String]
    let groupBy: [String]
    let timespan: TimeInterval
    /// All must hold (`gt: 100` and `lte: 200` is a range).
    let conditions: [(Comparison, Double)]
    /// The field whose distinct values `value_count` counts.
    let field: String?
    /// Alias → (base rule name or id → field of that rule's events).
    let aliases: [String: [String: String]]
    /// Whether the base rules also fire on their own.
    let generate: Bool

    static func read(_ map: YAMLMap, document: YAMLMap) throws(RuleRejection) -> CorrelationSpec {
        guard let typeName = map["type"]?.text else { throw .invalid("correlation.type missing") }
        guard let kind = Kind(rawValue: typeName) else { throw .unsupported("correlation type '\(typeName)'") }
        guard let rules = map["rules"]?.textList, !rules.isEmpty else { throw .invalid("correlation.rules must name rules") }
        let groupBy = map["group-by"]?.textList ?? []
        guard let span = map["timespan"]?.scalarText else { throw .invalid("correlation.timespan missing") }
        guard let timespan = parseTimespan(span) else { throw .invalid("correlation.timespan '\(span)' is not like 30s, 5m, 1h, 7d") }
        var conditions: [(Comparison, Double)] = []
        var field: String?
        if let condition = map["condition"] {
            guard let entries = condition.mapping else { throw .invalid("correlation.condition must be a mapping") }
            for (key, value) in entries.entries {
                if key == "field" {
                    guard let name = value.text else { throw .invalid("correlation.condition.field must be a field name") }
                    field = name
                    continue
                }
                guard let op = Comparison(rawValue: key) else { throw .invalid("correlation.condition: unknown '\(key)'") }
                let bound: Double
                switch value {
                case .int(let i): bound = Double(i)
                case .double(let d): bound = d
                default: throw .invalid("correlation.condition.\(key) must be a number")
                }
                guard bound.isFinite, abs(bound) <= 1e15 else {
                    throw .invalid("correlation.condition.\(key) must be a number up to 10^15")
                }
                conditions.append((op, bound))
            }
        }
        switch kind {
        case .eventCount, .valueCount:
            guard !conditions.isEmpty else { throw .invalid("correlation.condition missing for \(typeName)") }
            if kind == .valueCount, field == nil { throw .invalid("value_count needs condition.field") }
        case .temporal, .temporalOrdered:
            if conditions.isEmpty { conditions = [(.gte, Double(rules.count))] }
        }
        var aliases: [String: [String: String]] = [:]
        if let given = map["aliases"] {
            guard let entries = given.mapping else { throw .invalid("correlation.aliases must be a mapping") }
            for (alias, perRule) in entries.entries {
                guard let mapping = perRule.mapping else { throw .invalid("correlation.aliases.\(alias) must map rules to fields") }
                var fields: [String: String] = [:]
                for (rule, name) in mapping.entries {
                    guard let text = name.text else { throw .invalid("correlation.aliases.\(alias).\(rule) must be a field") }
                    fields[rule] = text
                }
                aliases[alias] = fields
            }
        }
        let generate: Bool =
            if case .bool(let b)? = map["generate"] { b } else if case .bool(let b)? = document["generate"] { b } else { false }
        return CorrelationSpec(
            kind: kind, rules: rules, groupBy: groupBy, timespan: timespan, conditions: conditions, field: field,
            aliases: aliases, generate: generate)
    }

    /// `30s`, `5m`, `1h`, `7d` in seconds.
    static func parseTimespan(_ text: String) -> TimeInterval? {
        // At most about 31 years, so the window's arithmetic stays finite.
        guard let unit = text.last, let n = Double(text.dropLast()), n > 0, n.isFinite, n <= 1e9 else { return nil }
        switch unit {
        case "s": return n
        case "m": return n * 60
        case "h": return n * 3600
        case "d": return n * 86_400
        default: return nil
        }
    }

    func holds(_ count: Int) -> Bool { conditions.allSatisfy { $0.0.holds(Double(count), $0.1) } }
}
