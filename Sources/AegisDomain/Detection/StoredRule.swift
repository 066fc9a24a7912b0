import Foundation

/// A rule as the store holds it: its definition, where it came from, its
/// operational state, and the numbers that order its changes.
public struct StoredRule: Sendable, Equatable {
    public var definition: RuleDefinition
    /// Who owns the rule: an import, or the rules directory (which then
    /// refuses `rule.delete` and imports of the same id).
    public var origin: RuleOrigin
    /// The file it came from: the name given to `rule.import`, or the path
    /// relative to the rules directory.
    public var sourceName: String
    /// The deployment-wide number of its last change (definition or state).
    public var revision: Int64
    /// Grows on every change of this rule; callers quote it to change it.
    public var version: Int64
    /// The state as stored (see `RuleState.inForce(at:)` for what applies now).
    public var state: RuleState
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        definition: RuleDefinition, origin: RuleOrigin, sourceName: String, revision: Int64, version: Int64,
        state: RuleState, createdAt: Date, updatedAt: Date
    ) {
        self.definition = definition
        self.origin = origin
        self.sourceName = sourceName
        self.revision = revision
        self.version = version
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var id: String { definition.id }
}

/// Who owns a rule.
public enum RuleOrigin: String, Sendable, Codable, CaseIterable {
    /// `rule.import`: changed by imports, removed by `rule.delete`.
    case `import`
    /// The rules directory: changed by its files alone.
    case directory
}

/// One entry of the rule change log, in revision order.
public struct RuleChange: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case created, updated, deleted
        case stateChanged = "state_changed"
    }

    public var revision: Int64
    public var ruleID: String
    public var kind: Kind
    public var at: Date

    public init(revision: Int64, ruleID: String, kind: Kind, at: Date) {
        self.revision = revision
        self.ruleID = ruleID
        self.kind = kind
        self.at = at
    }
}

/// Filters of `rule.list`, by id.
public struct RuleQuery: Sendable, Equatable {
    public var techniqueID: String?
    public var format: RuleFormat?
    public var state: RuleState.Kind?
    public var evaluable: Bool?
    public var level: String?
    /// Matched against id and name.
    public var text: String?
    /// The instant `state` is judged at (expired states are `enabled`).
    public var now: Date
    public var page: PageRequest

    public init(
        techniqueID: String? = nil, format: RuleFormat? = nil, state: RuleState.Kind? = nil, evaluable: Bool? = nil,
        level: String? = nil, text: String? = nil, now: Date, page: PageRequest
    ) {
        self.techniqueID = techniqueID
        self.format = format
        self.state = state
        self.evaluable = evaluable
        self.level = level
        self.text = text
        self.now = now
        self.page = page
    }
}
