import AegisDomain
import Foundation

/// How one rule of a file fared when stored.
public enum RulePutOutcome: Sendable, Equatable {
    case imported
    case updated
    case unchanged
    /// Not stored, and nor was the rest of its file.
    case refused(String)
}

extension RuleService {
    /// Stores one file's parsed rules in one transaction, all or none: each
    /// new, changed or left as it was. A rule the rules directory owns
    /// refuses an import; an id held by another format refuses either.
    /// When anything is refused, nothing of the file is written.
    /// `releasable(owner, id)`: whether another directory file that holds
    /// `id` lets it go in this sync (it is gone, or no longer defines it), so
    /// a rule moved between files keeps its state instead of being deleted
    /// and made again.
    public func put(
        _ definitions: [RuleDefinition], origin: RuleOrigin, sourceName: String, action: String,
        releasable: (_ owner: String, _ id: String) -> Bool = { _, _ in false }
    ) throws -> [RulePutOutcome] {
        let now = env.clock.now()
        return try context.session.write { repos in
            try repos.rules.lockChanges()
            var existing: [StoredRule?] = []
            var outcomes: [RulePutOutcome] = []
            var seen = Set<String>()
            for definition in definitions {
                let old = try repos.rules.rule(id: definition.id)
                existing.append(old)
                outcomes.append(
                    Self.outcome(
                        definition, old: old, origin: origin, sourceName: sourceName, seen: &seen,
                        released: old.map { releasable($0.sourceName, $0.id) } ?? false))
            }
            guard !outcomes.contains(where: { if case .refused = $0 { true } else { false } }) else { return outcomes }
            let changes = RuleChanges(repos: repos, env: env, context: context, now: now)
            for (i, definition) in definitions.enumerated() where outcomes[i] != .unchanged {
                _ = try changes.save(
                    definition, origin: origin, sourceName: sourceName, replacing: existing[i], action: action)
            }
            return outcomes
        }
    }

    /// Removes the rules directory's rule `id` (its file is gone).
    public func removeDirectoryRule(id: String) throws {
        let now = env.clock.now()
        try context.session.write { repos in
            try repos.rules.lockChanges()
            guard let rule = try repos.rules.rule(id: id), rule.origin == .directory else { return }
            try RuleChanges(repos: repos, env: env, context: context, now: now).delete(rule, action: "rule.sync")
        }
    }

    static func outcome(
        _ definition: RuleDefinition, old: StoredRule?, origin: RuleOrigin, sourceName: String, seen: inout Set<String>,
        released: Bool = false
    ) -> RulePutOutcome {
        guard (try? RuleID.parse(definition.id)) != nil else {
            return .refused("a rule id is printable ASCII without spaces, at most 200 characters")
        }
        guard seen.insert(definition.id).inserted else { return .refused("the file holds rule \(definition.id) twice") }
        guard let old else { return .imported }
        if old.definition.format != definition.format {
            return .refused("rule \(definition.id) is already a \(old.definition.format.rawValue) rule")
        }
        if old.origin == .directory, origin == .import {
            return .refused("rule \(definition.id) belongs to the rules directory (\(old.sourceName))")
        }
        if old.origin == .directory, origin == .directory, old.sourceName != sourceName, !released {
            return .refused("rule \(definition.id) is already defined by \(old.sourceName)")
        }
        return old.definition == definition && old.origin == origin && old.sourceName == sourceName
            ? .unchanged : .updated
    }
}
