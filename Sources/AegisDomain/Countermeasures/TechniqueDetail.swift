/// `technique.get`: a technique with the countermeasures that address it.
public struct TechniqueDetail: Sendable, Equatable, Encodable {
    public var technique: Technique
    /// Linked to the technique itself (D3FEND's links already carry a
    /// sub-technique's parent, and a parent's sub-techniques).
    public var countermeasures: [CountermeasureRef]
    /// The detection rules mapped to the technique, by format and state in force.
    public var rules: TechniqueRuleCounts

    public init(technique: Technique, countermeasures: [CountermeasureRef], rules: TechniqueRuleCounts = TechniqueRuleCounts()) {
        self.technique = technique
        self.countermeasures = countermeasures
        self.rules = rules
    }

    /// The technique's fields, then `countermeasures`: a map from D3FEND
    /// tactic to `[{id, name}]` sorted by id, tactics in D3FEND's matrix
    /// order, only those with a countermeasure; then `rules`.
    public func encode(to encoder: any Encoder) throws {
        try technique.encode(to: encoder)
        var c = encoder.container(keyedBy: NameKey.self)
        var groups = c.nestedContainer(keyedBy: NameKey.self, forKey: NameKey("countermeasures"))
        for (tactic, refs) in Self.grouped(countermeasures) {
            var list = groups.nestedUnkeyedContainer(forKey: NameKey(tactic.rawValue))
            for ref in refs { try list.encode(Named(id: ref.id, name: ref.name)) }
        }
        try c.encode(rules, forKey: NameKey("rules"))
    }

    /// `refs` by tactic in matrix order, each sorted by id.
    public static func grouped(_ refs: [CountermeasureRef]) -> [(DefensiveTactic, [CountermeasureRef])] {
        let byTactic = Dictionary(grouping: refs, by: \.tactic)
        return DefensiveTactic.allCases.compactMap { tactic in
            byTactic[tactic].map { (tactic, $0.sorted { $0.id < $1.id }) }
        }
    }

    struct Named: Encodable {
        var id: String
        var name: String
    }

    struct NameKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
