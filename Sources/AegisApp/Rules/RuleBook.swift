import AegisDetection
import AegisDomain
import Foundation
import Synchronization

/// This instance's rule engine, kept in step with the store: before each
/// evaluation it reads the deployment's rule revision and, when rules
/// changed, applies the change log in revision order (`RuleFollower`),
/// reloading every rule when it finds a gap. Works the same whichever
/// instance made the change.
public final class RuleBook: Sendable {
    public let engine: RuleEngine
    private struct State {
        var follower = RuleFollower()
        var entries: [String: RuleSet.Entry] = [:]
        var loaded = false
        /// Stored rules this engine could not compile (an older or newer
        /// daemon's rules): rule id → why.
        var refused: [String: String] = [:]
    }
    private let state = Mutex(State())
    /// One refresh at a time; the others wait and find it done.
    private let refreshing = Mutex(())

    public init(limits: EngineLimits = .default) {
        engine = RuleEngine(rules: .empty, limits: limits)
    }

    /// The revision the engine holds.
    public var revision: Int64 { state.withLock { $0.follower.applied } }

    /// Stored rules the engine refused, by id.
    public var refused: [String: String] { state.withLock { $0.refused } }

    /// Brings the engine up to the store's revision (one small read when
    /// nothing changed).
    public func refresh(_ session: any StoreSession) throws {
        // The common case, without waiting on other refreshes: up to date.
        let current = try session.read { try $0.rules.currentRevision() }
        if state.withLock({ $0.loaded && $0.follower.applied >= current }) { return }
        try refreshing.withLock { _ in
            let (loaded, applied) = state.withLock { ($0.loaded, $0.follower.applied) }
            if loaded && current <= applied { return }
            guard loaded else { return try reload(session) }
            let (changes, rules) = try session.read { repos -> ([RuleChange], [String: StoredRule]) in
                let changes = try repos.rules.changes(after: applied, limit: 1000)
                var rules: [String: StoredRule] = [:]
                for id in Set(changes.map(\.ruleID)) { rules[id] = try repos.rules.rule(id: id) }
                return (changes, rules)
            }
            var needsReload = changes.isEmpty || changes.last.map { $0.revision < current } == true
            state.withLock { state in
                for change in changes where !needsReload {
                    switch state.follower.observe(change) {
                    case .ignore: continue
                    case .reload: needsReload = true
                    case .apply(let change):
                        // The rule as it is now: later changes in this batch find the same row.
                        Self.apply(rules[change.ruleID], id: change.ruleID, to: &state)
                    }
                }
            }
            if needsReload { return try reload(session) }
            publish()
        }
    }

    private func reload(_ session: any StoreSession) throws {
        let (revision, rules) = try session.read { repos in
            (try repos.rules.currentRevision(), try repos.rules.allRules(evaluableOnly: true))
        }
        state.withLock { state in
            state.entries = [:]
            state.refused = [:]
            for rule in rules { Self.apply(rule, id: rule.id, to: &state) }
            state.follower = RuleFollower(applied: revision)
            state.loaded = true
        }
        publish()
    }

    private static func apply(_ rule: StoredRule?, id: String, to state: inout State) {
        state.entries[id] = nil
        state.refused[id] = nil
        guard let rule, rule.definition.evaluable else { return }
        do {
            let compiled = try RuleCompiler.compile(rule.definition)
            state.entries[id] = RuleSet.Entry(rule: compiled, revision: rule.revision, state: rule.state)
        } catch {
            state.refused[id] = "\(error)"
        }
    }

    private func publish() {
        let entries = state.withLock { state in state.entries.values.sorted { $0.rule.definition.id < $1.rule.definition.id } }
        engine.replaceRules(RuleSet(rules: entries))
    }
}
