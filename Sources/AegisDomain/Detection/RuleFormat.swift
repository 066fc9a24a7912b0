/// The language a detection rule is written in.
public enum RuleFormat: String, Sendable, Codable, CaseIterable {
    /// SigmaHQ's YAML format; evaluated by Aegis.
    case sigma
    /// Elastic detection-rules TOML; stored for coverage, evaluated inside Elastic.
    case elastic
    /// Aegis's own YAML rules (`rule_id`, `match`, `emits`); evaluated by Aegis.
    case native
}
