import AegisDomain
import Foundation

/// `rule.*` reads, deletion and operational state. Every change takes the
/// deployment's next rule revision, is logged for the engines, audited and
/// announced in its own transaction: one change per edit, never batched.
public struct RuleService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// One rule with its source text.
    public func rule(id: String) throws -> RuleView {
        let id = try RuleID.parse(id)
        guard let found = try context.session.read({ try $0.rules.rule(id: id) }) else {
            throw AegisError.notFound("rule", id)
        }
        return RuleView(found, at: env.clock.now(), includeSource: true)
    }

    /// By id, without source texts.
    public func list(_ filters: RuleFilters) throws -> ListResult<RuleView> {
        let now = env.clock.now()
        var query = RuleQuery(now: now, page: try Cursor.pageRequest(limit: filters.limit, cursor: filters.cursor))
        if let technique = filters.techniqueID, !technique.isEmpty {
            query.techniqueID = try AttackID.technique(technique, field: "technique_id")
        }
        query.format = filters.format
        query.state = filters.state
        query.evaluable = filters.evaluable
        if let level = filters.level, !level.isEmpty {
            guard RuleLevel.all.contains(level) else {
                throw AegisError.invalidArgument("level", "level must be one of \(RuleLevel.all.joined(separator: ", "))")
            }
            query.level = level
        }
        query.text = try Validate.optionalText(filters.text, field: "q", max: 200)
        let page = try context.session.read { try $0.rules.rules(matching: query) }
        return ListResult(items: page.items.map { RuleView($0, at: now, includeSource: false) }, nextCursor: Cursor.encode(page.nextKey))
    }

    /// Removes an imported rule; the rules directory's rules go with their files.
    public func delete(id: String, version: Int) throws {
        let id = try RuleID.parse(id)
        let now = env.clock.now()
        try context.session.write { repos in
            let rules = repos.rules
            try rules.lockChanges()
            guard let rule = try rules.rule(id: id) else { throw AegisError.notFound("rule", id) }
            guard rule.origin == .import else {
                throw AegisError.failedPrecondition(
                    "rule \(id) belongs to the rules directory (\(rule.sourceName)); remove the file instead",
                    details: ["source_name": .string(rule.sourceName)])
            }
            try Versioning.check(kind: "rule", current: Int(rule.version), given: version)
            try RuleChanges(repos: repos, env: env, context: context, now: now).delete(rule, action: "rule.delete")
        }
    }

    /// Sets a rule's state; `expiresAt` must lie ahead.
    public func setState(id: String, version: Int, change: RuleStateChange) throws -> RuleView {
        let id = try RuleID.parse(id)
        let now = env.clock.now()
        let state = try change.validated(at: now, by: context.actorID)
        return try context.session.write { repos in
            let rules = repos.rules
            try rules.lockChanges()
            guard let rule = try rules.rule(id: id) else { throw AegisError.notFound("rule", id) }
            try Versioning.check(kind: "rule", current: Int(rule.version), given: version)
            let saved = try RuleChanges(repos: repos, env: env, context: context, now: now)
                .setState(rule, to: state, autoRevert: false)
            return RuleView(saved, at: now, includeSource: false)
        }
    }

    /// Reverts every state whose expiry has come to `enabled`, each in its
    /// own transaction, announced once with `auto_revert: true` (two
    /// instances racing find it reverted). Returns how many it reverted.
    public func revertExpiredStates() throws -> Int {
        var reverted = 0
        while true {
            let now = env.clock.now()
            let due = try context.session.read { try $0.rules.expiringStates(before: now, limit: 100) }
            guard !due.isEmpty else { return reverted }
            for candidate in due {
                let done = try context.session.write { repos -> Bool in
                    try repos.rules.lockChanges()
                    guard let rule = try repos.rules.rule(id: candidate.id), let expiry = rule.state.expiresAt,
                        expiry <= now
                    else { return false }
                    _ = try RuleChanges(repos: repos, env: env, context: context, now: now)
                        .setState(rule, to: .default, autoRevert: true)
                    return true
                }
                if done { reverted += 1 }
            }
            if due.count < 100 { return reverted }
        }
    }

    /// When the next state expires, if any does.
    public func nextStateExpiry() throws -> Date? {
        try context.session.read { try $0.rules.nextStateExpiry() }
    }
}

/// Filters of `rule.list`; `nil` and `""` are absent.
public struct RuleFilters: Sendable {
    public var techniqueID: String?
    public var format: RuleFormat?
    public var state: RuleState.Kind?
    public var evaluable: Bool?
    public var level: String?
    public var text: String?
    public var limit: Int?
    public var cursor: String?

    public init(
        techniqueID: String? = nil, format: RuleFormat? = nil, state: RuleState.Kind? = nil, evaluable: Bool? = nil,
        level: String? = nil, text: String? = nil, limit: Int? = nil, cursor: String? = nil
    ) {
        self.techniqueID = techniqueID
        self.format = format
        self.state = state
        self.evaluable = evaluable
        self.level = level
        self.text = text
        self.limit = limit
        self.cursor = cursor
    }
}

/// What `rule.set_state` asks for.
public struct RuleStateChange: Sendable {
    public var kind: RuleState.Kind
    public var confidenceMax: Int?
    public var expiresAt: Date?
    public var reason: String?

    public init(kind: RuleState.Kind, confidenceMax: Int? = nil, expiresAt: Date? = nil, reason: String? = nil) {
        self.kind = kind
        self.confidenceMax = confidenceMax
        self.expiresAt = expiresAt
        self.reason = reason
    }

    func validated(at now: Date, by actor: String?) throws(AegisError) -> RuleState {
        switch (kind, confidenceMax) {
        case (.clipped, nil):
            throw AegisError.invalidArgument("confidence_max", "clipped needs confidence_max (0 to 100)")
        case (.clipped, let cap?) where !(0...100).contains(cap):
            throw AegisError.invalidArgument("confidence_max", "confidence_max must be 0 to 100")
        case (.enabled, .some), (.disabled, .some):
            throw AegisError.invalidArgument("confidence_max", "confidence_max only goes with clipped")
        default: break
        }
        if let expiresAt, expiresAt <= now {
            throw AegisError.invalidArgument("expires_at", "expires_at must lie in the future")
        }
        let reason = try Validate.optionalText(reason, field: "reason", max: 1000)
        return RuleState(
            kind: kind, confidenceMax: confidenceMax, expiresAt: expiresAt, reason: reason, setBy: actor, setAt: now)
    }
}

/// Rule levels, lowest first (Sigma `level`, Elastic `severity`).
public enum RuleLevel {
    public static let all = ["informational", "low", "medium", "high", "critical"]
}

/// Rule ids as callers give them: Sigma UUIDs, Elastic UUIDs, native ids.
enum RuleID {
    static func parse(_ id: String, field: String = "id") throws(AegisError) -> String {
        let text = try Validate.text(id, field: field, max: 200)
        guard text.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0.asciiValue.map { $0 >= 0x21 } == true }) else {
            throw AegisError.invalidArgument(field, "a rule id is printable ASCII without spaces")
        }
        return text
    }
}
