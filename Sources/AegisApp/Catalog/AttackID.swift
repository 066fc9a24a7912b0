import AegisDomain

/// Validates ATT&CK ids in parameters before they reach the store, so a
/// malformed id is `INVALID_ARGUMENT` and a well-formed unknown one is
/// `NOT_FOUND`.
public enum AttackID {
    /// `T1059` or `T1059.001`.
    public static func technique(_ id: String, field: String = "id") throws(AegisError) -> String {
        try check(id, field: field, "a technique id such as T1059 or T1059.001") {
            matches($0, prefix: "T", digits: 4, subDigits: 3)
        }
    }

    /// `TA0002`.
    public static func tactic(_ id: String, field: String = "id") throws(AegisError) -> String {
        try check(id, field: field, "a tactic id such as TA0002") { matches($0, prefix: "TA", digits: 4, subDigits: nil) }
    }

    /// `G0016` (group) or `C0001` (campaign).
    public static func actor(_ id: String, field: String = "id") throws(AegisError) -> String {
        try check(id, field: field, "a group or campaign id such as G0016 or C0001") {
            matches($0, prefix: "G", digits: 4, subDigits: nil) || matches($0, prefix: "C", digits: 4, subDigits: nil)
        }
    }

    /// `M1038`, or the `T`-numbered ids of ATT&CK's deprecated mitigations.
    public static func mitigation(_ id: String, field: String = "id") throws(AegisError) -> String {
        try check(id, field: field, "a mitigation id such as M1038") {
            matches($0, prefix: "M", digits: 4, subDigits: nil) || matches($0, prefix: "T", digits: 4, subDigits: 3)
        }
    }

    private static func check(
        _ id: String, field: String, _ expected: String, _ valid: (String) -> Bool
    ) throws(AegisError) -> String {
        let normalised = id.uppercased()
        guard id.utf8.count <= 16, valid(normalised) else {
            throw AegisError.invalidArgument(field, "\(field) must be \(expected)")
        }
        return normalised
    }

    private static func matches(_ s: String, prefix: String, digits: Int, subDigits: Int?) -> Bool {
        guard s.hasPrefix(prefix) else { return false }
        let rest = Array(s.utf8.dropFirst(prefix.utf8.count))
        func allDigits(_ slice: ArraySlice<UInt8>) -> Bool { slice.allSatisfy { $0 >= 48 && $0 <= 57 } }
        if rest.count == digits { return allDigits(rest[...]) }
        if let subDigits, rest.count == digits + 1 + subDigits, rest[digits] == 46 {
            return allDigits(rest[..<digits]) && allDigits(rest[(digits + 1)...])
        }
        return false
    }
}
