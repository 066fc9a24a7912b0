/// A technique's detection rules for coverage: how many map to it, by
/// format and by the state in force (an expired state counts as
/// `enabled`). A sub-technique's rules count for its parent too: their
/// technique ids hold both (`RuleDefinition.techniqueIDs`).
public struct TechniqueRuleCounts: Sendable, Equatable {
    public private(set) var byFormat: [RuleFormat: Int] = [:]
    public private(set) var byState: [RuleState.Kind: Int] = [:]

    public init() {}

    /// Adds `count` rules of `format` whose state in force is `state`.
    public mutating func add(format: RuleFormat, state: RuleState.Kind, count: Int = 1) {
        byFormat[format, default: 0] += count
        byState[state, default: 0] += count
    }

    /// Every rule mapped to the technique, whatever its state.
    public var total: Int { byFormat.values.reduce(0, +) }
    /// Rules that fire (enabled or clipped): what the score's `rules`
    /// component counts.
    public var firing: Int { total - disabled }
    public var disabled: Int { byState[.disabled] ?? 0 }
}

extension TechniqueRuleCounts: Encodable {
    /// `{total, by_format: {sigma, elastic, native}, by_state: {enabled,
    /// disabled, clipped}}`, every key present.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(total, forKey: Key("total"))
        var formats = c.nestedContainer(keyedBy: Key.self, forKey: Key("by_format"))
        for format in RuleFormat.allCases { try formats.encode(byFormat[format] ?? 0, forKey: Key(format.rawValue)) }
        var states = c.nestedContainer(keyedBy: Key.self, forKey: Key("by_state"))
        for state in RuleState.Kind.allCases { try states.encode(byState[state] ?? 0, forKey: Key(state.rawValue)) }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// A rule mapped to a technique, with its state in force: what the rules
/// layer names in each technique's comment.
public struct TechniqueRule: Sendable, Equatable {
    public var techniqueID: String
    public var ruleID: String
    public var name: String
    public var format: RuleFormat
    /// The state in force (an expired state is `enabled`).
    public var state: RuleState.Kind

    public init(techniqueID: String, ruleID: String, name: String, format: RuleFormat, state: RuleState.Kind) {
        self.techniqueID = techniqueID
        self.ruleID = ruleID
        self.name = name
        self.format = format
        self.state = state
    }
}
