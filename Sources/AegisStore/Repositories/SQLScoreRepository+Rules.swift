import AegisDomain
import Foundation

/// Detection rules as coverage: the rules mapped to techniques
/// (`rule_techniques`, which already holds a sub-technique rule's parent),
/// judged by the state in force. Every query binds `now` first.
extension SQLScoreRepository {
    /// A rule (`r`) that fires at `?` (now): enabled or clipped, or past the
    /// expiry of its state (which reverts to enabled).
    static var ruleFires: String { "(r.state <> 'disabled' OR r.state_expires_at <= ?)" }
    /// A rule's (`r`) state in force at `?` (now).
    static var ruleStateInForce: String { "CASE WHEN r.state_expires_at <= ? THEN 'enabled' ELSE r.state END" }

    func ruleCounts(_ scope: ScoreScope, domain: String, now: Date) throws -> [String: TechniqueRuleCounts] {
        let (condition, values) = Self.scopeCondition(scope, domain: domain)
        return try ruleCounts(where: condition.replacingOccurrences(of: "{id}", with: "rt.technique_id"), values, now: now)
    }

    func ruleCounts(techniqueID: String, now: Date) throws -> TechniqueRuleCounts {
        try ruleCounts(where: "rt.technique_id = ?", [.text(techniqueID)], now: now)[techniqueID] ?? TechniqueRuleCounts()
    }

    private func ruleCounts(where condition: String, _ values: [SQLValue], now: Date) throws -> [String: TechniqueRuleCounts] {
        var out: [String: TechniqueRuleCounts] = [:]
        for (id, format, state, count) in try db.prepare(
            """
            SELECT rt.technique_id, r.format, \(Self.ruleStateInForce), count(*)
            FROM rule_techniques rt JOIN rules r ON r.id = rt.rule_id
            WHERE \(condition) GROUP BY 1, 2, 3
            """
        ).bind([.int(StoreTime.micros(now))] + values).rows({ ($0.text(0), $0.text(1), $0.text(2), Int($0.int(3))) }) {
            guard let format = RuleFormat(rawValue: format), let state = RuleState.Kind(rawValue: state) else { continue }
            out[id, default: TechniqueRuleCounts()].add(format: format, state: state, count: count)
        }
        return out
    }

    func techniqueRules(_ scope: ScoreScope, domain: String, now: Date) throws -> [TechniqueRule] {
        let (condition, values) = Self.scopeCondition(scope, domain: domain)
        return try db.prepare(
            """
            SELECT rt.technique_id, r.id, r.name, r.format, \(Self.ruleStateInForce)
            FROM rule_techniques rt JOIN rules r ON r.id = rt.rule_id
            WHERE \(condition.replacingOccurrences(of: "{id}", with: "rt.technique_id"))
            """
        ).bind([.int(StoreTime.micros(now))] + values).rows { row in
            TechniqueRule(
                techniqueID: row.text(0), ruleID: row.text(1), name: row.text(2),
                format: RuleFormat(rawValue: row.text(3)) ?? .sigma,
                state: RuleState.Kind(rawValue: row.text(4)) ?? .enabled)
        }
        // Sorted here: the two stores collate names differently.
        .sorted { ($0.techniqueID, $0.name, $0.ruleID) < ($1.techniqueID, $1.name, $1.ruleID) }
    }
}
