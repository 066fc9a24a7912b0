/// ATT&CK ids from rule tags: techniques (`attack.t1059.001`) and tactics
/// (`attack.execution`), by the fixed Enterprise table below plus the ICS
/// tactics whose shortnames Enterprise does not use.
public enum AttackTags {
    /// Enterprise tactic shortnames → ids (ATT&CK v18).
    public static let enterpriseTactics: [String: String] = [
        "reconnaissance": "TA0043", "resource-development": "TA0042", "initial-access": "TA0001",
        "execution": "TA0002", "persistence": "TA0003", "privilege-escalation": "TA0004",
        "defense-evasion": "TA0005", "credential-access": "TA0006", "discovery": "TA0007",
        "lateral-movement": "TA0008", "collection": "TA0009", "exfiltration": "TA0010",
        "command-and-control": "TA0011", "impact": "TA0040",
    ]

    /// ICS tactics with shortnames of their own (the others share Enterprise's names).
    public static let icsTactics: [String: String] = [
        "inhibit-response-function": "TA0107", "impair-process-control": "TA0106", "evasion": "TA0103",
    ]

    /// The tactic id for a shortname or id (`execution`, `defense_evasion`, `TA0002`); nil if unknown.
    public static func tacticID(_ name: String) -> String? {
        let lower = name.lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
        if lower.hasPrefix("ta"), lower.count == 6, Int(lower.dropFirst(2)) != nil { return lower.uppercased() }
        return enterpriseTactics[lower] ?? icsTactics[lower]
    }

    /// A technique id, upper case, if `text` is one (`t1059`, `T1059.001`).
    public static func techniqueID(_ text: String) -> String? {
        let upper = text.uppercased()
        let parts = upper.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let head = parts.first, head.count == 5, head.first == "T",
            head.dropFirst().allSatisfy(\.isNumber)
        else { return nil }
        if parts.count == 2 { guard parts[1].count == 3, parts[1].allSatisfy(\.isNumber) else { return nil } }
        return upper
    }

    /// Technique ids with each sub-technique's parent added; sorted, unique.
    public static func withParents(_ ids: [String]) -> [String] {
        var set = Set(ids)
        for id in ids where id.contains(".") { set.insert(String(id.prefix { $0 != "." })) }
        return set.sorted()
    }

    /// Techniques and tactics of Sigma tags (`attack.t1059.001`, `attack.execution`); other tags ignored.
    public static func fromSigmaTags(_ tags: [String]) -> (techniques: [String], tactics: [String]) {
        var techniques: [String] = [], tactics: Set<String> = []
        for tag in tags {
            let lower = tag.lowercased()
            guard lower.hasPrefix("attack.") else { continue }
            let rest = String(lower.dropFirst(7))
            if let technique = techniqueID(rest) {
                techniques.append(technique)
            } else if let tactic = tacticID(rest), !rest.hasPrefix("ta") || rest.count == 6 {
                tactics.insert(tactic)
            }
        }
        return (withParents(techniques), tactics.sorted())
    }
}
