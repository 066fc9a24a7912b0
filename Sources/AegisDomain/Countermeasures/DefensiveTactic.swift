/// A D3FEND tactic: what a countermeasure does against an attack. The
/// cases are in D3FEND's matrix order.
public enum DefensiveTactic: String, Sendable, Codable, CaseIterable, Comparable {
    case model = "Model"
    case harden = "Harden"
    case detect = "Detect"
    case isolate = "Isolate"
    case deceive = "Deceive"
    case evict = "Evict"
    case restore = "Restore"

    /// `name` in any case (`detect`, `DETECT`), nil when it is none of them.
    public init?(named name: String) {
        guard let tactic = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = tactic
    }

    /// Position in D3FEND's matrix, from 0.
    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (a: DefensiveTactic, b: DefensiveTactic) -> Bool { a.order < b.order }
}
