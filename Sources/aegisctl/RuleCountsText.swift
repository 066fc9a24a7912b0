import AegisWire

/// `technique get`'s rules line: `3 (sigma 2, elastic 1; enabled 1,
/// clipped 1, disabled 1)`, zero counts left out; `none` without a rule.
enum RuleCountsText {
    static func line(_ rules: MessagePackValue?) -> String {
        let total = rules?["total"]?.intValue ?? 0
        guard total > 0 else { return "none" }
        func counts(_ key: String, _ names: [String]) -> String {
            names.compactMap { name in
                let n = rules?[key]?[name]?.intValue ?? 0
                return n > 0 ? "\(name) \(n)" : nil
            }.joined(separator: ", ")
        }
        return "\(total) (\(counts("by_format", ["sigma", "elastic", "native"])); "
            + "\(counts("by_state", ["enabled", "clipped", "disabled"])))"
    }
}
