import AegisDomain
import Foundation

/// A rule as the wire shows it: its definition, the state in force now (an
/// expired state shows as `enabled`), and, from `rule.get`, its source text.
public struct RuleView: Sendable, Encodable {
    public var rule: StoredRule
    public var stateInForce: RuleState
    public var includeSource: Bool

    public init(_ rule: StoredRule, at now: Date, includeSource: Bool) {
        self.rule = rule
        self.stateInForce = rule.state.inForce(at: now)
        self.includeSource = includeSource
    }

    enum Key: String, CodingKey {
        case id, format, name, description, level, evaluable, status, logsource, revision, version, state, origin
        case source
        case techniqueIDs = "technique_ids"
        case tacticIDs = "tactic_ids"
        case ruleVersion = "rule_version"
        case sourceName = "source_name"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        let d = rule.definition
        try c.encode(d.id, forKey: .id)
        try c.encode(d.format.rawValue, forKey: .format)
        try c.encode(d.name, forKey: .name)
        try c.encode(d.description, forKey: .description)
        try c.encode(d.techniqueIDs, forKey: .techniqueIDs)
        try c.encode(d.tacticIDs, forKey: .tacticIDs)
        try c.encode(d.level, forKey: .level)
        try c.encode(d.evaluable, forKey: .evaluable)
        try c.encode(d.ruleVersion, forKey: .ruleVersion)
        try c.encode(d.status, forKey: .status)
        try c.encode(d.logsource, forKey: .logsource)
        try c.encode(rule.revision, forKey: .revision)
        try c.encode(rule.version, forKey: .version)
        try c.encode(RuleStateView(stateInForce), forKey: .state)
        try c.encode(rule.origin.rawValue, forKey: .origin)
        try c.encode(rule.sourceName, forKey: .sourceName)
        try c.encode(rule.createdAt, forKey: .createdAt)
        try c.encode(rule.updatedAt, forKey: .updatedAt)
        if includeSource { try c.encode(d.sourceText, forKey: .source) }
    }
}

/// A rule's operational state on the wire.
public struct RuleStateView: Sendable, Encodable {
    public var state: RuleState

    public init(_ state: RuleState) { self.state = state }

    enum Key: String, CodingKey {
        case state, reason
        case confidenceMax = "confidence_max"
        case expiresAt = "expires_at"
        case setBy = "set_by"
        case setAt = "set_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(state.kind.rawValue, forKey: .state)
        try c.encode(state.confidenceMax, forKey: .confidenceMax)
        try c.encode(state.expiresAt, forKey: .expiresAt)
        try c.encode(state.reason, forKey: .reason)
        try c.encode(state.setBy, forKey: .setBy)
        try c.encode(state.setAt, forKey: .setAt)
    }

    /// The state as an event payload.
    var payload: Value {
        .map([
            "state": .string(state.kind.rawValue), "confidence_max": state.confidenceMax.map { .int(Int64($0)) } ?? .null,
            "expires_at": .date(state.expiresAt), "reason": .text(state.reason), "set_by": .text(state.setBy),
            "set_at": .date(state.setAt),
        ])
    }
}
