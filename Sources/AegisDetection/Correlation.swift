import AegisDomain
import Foundation

/// The state of one correlation rule in one engine: per group (the
/// `group-by` values), the base-rule matches within the timespan. Bounded:
/// at most `groups` groups (the oldest dropped first) and `perGroup`
/// matches per group (the oldest dropped first). A group that fires is
/// emptied, so a burst fires once, then again only on new matches.
struct CorrelationWindows {
    struct Hit {
        var time: Date
        /// The base rule's position in the correlation's `rules`.
        var position: Int
        /// The `value_count` field's value, when counted.
        var value: String?
    }

    private(set) var groups: [String: [Hit]] = [:]
    /// Group keys by creation, for dropping the oldest.
    private var order: [String] = []
    private var head = 0
    private(set) var dropped = 0

    /// Records a base match; returns the count that satisfied the condition when it fires.
    mutating func record(
        _ hit: Hit, group: String, spec: CorrelationSpec, limits: EngineLimits
    ) -> Int? {
        if groups[group] == nil {
            while groups.count >= max(1, limits.correlationGroups), head < order.count {
                if groups.removeValue(forKey: order[head]) != nil { dropped += 1 }
                head += 1
            }
            order.append(group)
            if head > 1024 && head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
        var hits = groups[group] ?? []
        let horizon = max(hit.time, hits.last?.time ?? hit.time).addingTimeInterval(-spec.timespan)
        hits.removeAll { $0.time < horizon }
        if hit.time >= horizon { hits.append(hit) }
        if hits.count > limits.correlationEventsPerGroup { hits.removeFirst(hits.count - limits.correlationEventsPerGroup) }
        let count = Self.count(hits, spec)
        if spec.holds(count) {
            groups[group] = []
            return count
        }
        groups[group] = hits
        return nil
    }

    static func count(_ hits: [Hit], _ spec: CorrelationSpec) -> Int {
        switch spec.kind {
        case .eventCount:
            return hits.count
        case .valueCount:
            return Set(hits.compactMap(\.value)).count
        case .temporal:
            return Set(hits.map(\.position)).count
        case .temporalOrdered:
            // How many of the rules matched one after another, in order.
            var next = 0
            for hit in hits.sorted(by: { $0.time < $1.time }) where hit.position == next {
                next += 1
                if next == spec.rules.count { break }
            }
            return next
        }
    }

    /// The group key of an event: its `group-by` values (an alias resolved
    /// for the base rule by its name or id), joined.
    static func groupKey(_ spec: CorrelationSpec, base: RuleDefinition, context: EvaluationContext) -> (String, [String: Value]) {
        var parts: [String] = [], values: [String: Value] = [:]
        for name in spec.groupBy {
            let field = spec.aliases[name].flatMap { aliases in
                base.referenceName.flatMap { aliases[$0] } ?? aliases[base.id]
            } ?? name
            let texts = context.field(field).texts
            parts.append(texts.joined(separator: "\u{1E}"))
            values[name] = texts.count == 1 ? .string(texts[0]) : .strings(texts)
        }
        return (parts.joined(separator: "\u{1F}"), values)
    }
}
