import AegisDomain
import Foundation

/// Writes one rule change inside the caller's transaction (which holds the
/// rule change lock): the next revision, the row, the change log entry, the
/// audit row and the event (`rule.created`, `rule.updated`, `rule.deleted`,
/// `rule.state_changed`).
struct RuleChanges {
    let repos: any Repositories
    let env: AppEnvironment
    let context: CallContext
    let now: Date

    /// Stores a new or changed definition; the state is kept across edits.
    func save(
        _ definition: RuleDefinition, origin: RuleOrigin, sourceName: String, replacing old: StoredRule?, action: String
    ) throws -> StoredRule {
        let revision = try repos.rules.nextRevision()
        let rule = StoredRule(
            definition: definition, origin: origin, sourceName: sourceName, revision: revision,
            version: (old?.version ?? 0) + 1, state: old?.state ?? .default, createdAt: old?.createdAt ?? now,
            updatedAt: now)
        try repos.rules.save(rule)
        let kind: RuleChange.Kind = old == nil ? .created : .updated
        try repos.rules.record(RuleChange(revision: revision, ruleID: rule.id, kind: kind, at: now))
        try ChangeLog(repos: repos, env: env, context: context, now: now).record(
            action, "rule", rule.id,
            changes: ["format": .string(definition.format.rawValue), "source_name": .string(sourceName)],
            event: kind == .created ? .ruleCreated : .ruleUpdated, payload: payload(rule, kind: kind))
        return rule
    }

    func delete(_ rule: StoredRule, action: String) throws {
        let revision = try repos.rules.nextRevision()
        try repos.rules.delete(id: rule.id)
        try repos.rules.record(RuleChange(revision: revision, ruleID: rule.id, kind: .deleted, at: now))
        var gone = rule
        gone.revision = revision
        try ChangeLog(repos: repos, env: env, context: context, now: now).record(
            action, "rule", rule.id, changes: ["source_name": .string(rule.sourceName)],
            event: .ruleDeleted, payload: payload(gone, kind: .deleted))
    }

    func setState(_ rule: StoredRule, to state: RuleState, autoRevert: Bool) throws -> StoredRule {
        var changed = rule
        changed.revision = try repos.rules.nextRevision()
        changed.version += 1
        changed.state = state
        changed.updatedAt = now
        try repos.rules.save(changed)
        try repos.rules.record(RuleChange(revision: changed.revision, ruleID: rule.id, kind: .stateChanged, at: now))
        var body = payload(changed, kind: .stateChanged)
        // The state as stored: an automatic revert tells what expired.
        body["previous"] = RuleStateView(rule.state).payload
        body["state"] = RuleStateView(state).payload
        body["auto_revert"] = .bool(autoRevert)
        try ChangeLog(repos: repos, env: env, context: context, now: now).record(
            autoRevert ? "rule.state_expired" : "rule.set_state", "rule", rule.id,
            changes: [
                "state": .string(state.kind.rawValue),
                "confidence_max": state.confidenceMax.map { .int(Int64($0)) } ?? .null,
                "expires_at": .date(state.expiresAt), "reason": .text(state.reason),
            ],
            event: .ruleStateChanged, payload: body)
        return changed
    }

    private func payload(_ rule: StoredRule, kind: RuleChange.Kind) -> [String: Value] {
        [
            "id": .string(rule.id), "kind": .string(kind.rawValue), "revision": .int(rule.revision),
            "version": .int(rule.version), "format": .string(rule.definition.format.rawValue),
            "name": .string(rule.definition.name), "technique_ids": .strings(rule.definition.techniqueIDs),
            "origin": .string(rule.origin.rawValue),
        ]
    }
}
