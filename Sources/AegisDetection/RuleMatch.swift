import AegisDomain
import Foundation

/// One rule matching one event (or, for a correlation, the event that
/// completed it): what the store records as a `Detection`.
public struct RuleMatch: Sendable {
    public var ruleID: String
    public var revision: Int64
    public var format: RuleFormat
    public var kind: RuleDefinition.Kind
    public var techniqueIDs: [String]
    public var tacticIDs: [String]
    /// 0...100: the level's confidence (native: `emits`), capped by a clipped state.
    public var confidence: Int
    public var level: String?
    /// A native rule's `evidence_fields`, else the fields its detection
    /// matched (a correlation: its group-by values and count); bounded.
    public var evidence: [String: Value]
    /// Which identifiers matched, on which keys (for `rule.test`).
    public var explanation: MatchExplanation
    /// The event's host and own time, when it has them.
    public var host: String?
    public var eventTime: Date?
}

/// Counters of one engine since it started.
public struct EngineCounters: Sendable, Equatable {
    public var eventsEvaluated: Int = 0
    /// Rule evaluations (a rule routed to an event and run).
    public var rulesEvaluated: Int = 0
    public var matches: Int = 0
    public var correlationMatches: Int = 0
    /// Regex matches that hit PCRE2's match, depth or JIT stack limit (taken as no match).
    public var regexLimitHits: Int = 0
    /// Correlation groups dropped to stay within `EngineLimits.correlationGroups`.
    public var correlationGroupsDropped: Int = 0

    public init() {}
}

/// What `rule.test` shows for one rule and one event.
public struct RuleTestResult: Sendable {
    public var matched: Bool
    /// Whether the rule's log source lets it see this event at all.
    public var routed: Bool
    public var explanation: MatchExplanation
    public var evidence: [String: Value]
    public var regexLimitHits: Int
}

enum Evidence {
    /// The named fields' values as the event has them, strings cut to the limit.
    static func collect(_ names: [String], _ context: EvaluationContext, _ limits: EngineLimits) -> [String: Value] {
        var out: [String: Value] = [:]
        for name in names.prefix(limits.evidenceFields) {
            let field = context.field(name)
            guard field.present else { continue }
            let texts = field.texts.prefix(16).map { cut($0, limits.evidenceValueCharacters) }
            out[name] = field.isNull ? .null : texts.count == 1 ? .string(texts[0]) : .strings(Array(texts))
        }
        return out
    }

    static func cut(_ text: String, _ limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }
}
