import Foundation

/// What a rule's text says, as the rule parser reads it: everything a rule
/// is before the store gives it a revision, a version and a state.
public struct RuleDefinition: Sendable, Equatable {
    /// What a rule document is: a detection of its own, or a Sigma meta-rule
    /// working on other rules.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Matches events by itself (Sigma rule, native rule, Elastic rule).
        case detection
        /// A Sigma correlation over other rules' matches (`correlation:`).
        case correlation
        /// A Sigma filter adding a condition to other rules (`filter:`).
        case filter
    }

    /// The rule's own id: Sigma `id`, Elastic `rule_id`, native `rule_id`.
    public var id: String
    public var format: RuleFormat
    /// Sigma `title`, Elastic and native `name`.
    public var name: String
    public var description: String
    /// ATT&CK technique ids, upper case; a sub-technique brings its parent
    /// (`T1059.001` gives `T1059` and `T1059.001`). Sorted, unique.
    public var techniqueIDs: [String]
    /// ATT&CK tactic ids (`TA0002`); Sigma's tactic tags (`attack.execution`)
    /// are mapped by shortname. Sorted, unique.
    public var tacticIDs: [String]
    /// Sigma `level` or Elastic `severity`, lower case:
    /// `informational`, `low`, `medium`, `high`, `critical`; nil when absent.
    public var level: String?
    /// Whether Aegis evaluates it (Sigma and native: true; Elastic: false).
    public var evaluable: Bool
    /// The rule's own version string when it has one (native `rule_version`,
    /// Elastic `[metadata] updated_date`), else nil.
    public var ruleVersion: String?
    /// Sigma `status`, Elastic `maturity`; nil when absent.
    public var status: String?
    /// Sigma `logsource` (`product`, `category`, `service`); empty otherwise.
    public var logsource: [String: String]
    /// The rule's text exactly as given (one YAML document or TOML file).
    public var sourceText: String
    public var kind: Kind
    /// For a correlation or a filter: the rules it works on, by id or Sigma `name`.
    public var referencedRules: [String]
    /// Sigma's optional `name` attribute, by which correlations may refer to the rule.
    public var referenceName: String?

    public init(
        id: String, format: RuleFormat, name: String, description: String = "",
        techniqueIDs: [String] = [], tacticIDs: [String] = [], level: String? = nil,
        evaluable: Bool, ruleVersion: String? = nil, status: String? = nil,
        logsource: [String: String] = [:], sourceText: String, kind: Kind = .detection,
        referencedRules: [String] = [], referenceName: String? = nil
    ) {
        self.id = id
        self.format = format
        self.name = name
        self.description = description
        self.techniqueIDs = techniqueIDs
        self.tacticIDs = tacticIDs
        self.level = level
        self.evaluable = evaluable
        self.ruleVersion = ruleVersion
        self.status = status
        self.logsource = logsource
        self.sourceText = sourceText
        self.kind = kind
        self.referencedRules = referencedRules
        self.referenceName = referenceName
    }
}
