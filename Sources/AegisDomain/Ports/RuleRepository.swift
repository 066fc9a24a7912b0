import Foundation

/// Detection rules: definitions with their state, the change log the
/// engines follow, and the rules directory's files.
public protocol RuleRepository {
    /// Makes rule changes take turns across instances until the transaction
    /// ends (a no-op where one writer runs at a time). Taken before reading
    /// what a change depends on, so two instances never both apply it.
    func lockChanges() throws
    /// Takes the deployment's next rule revision; concurrent changes wait
    /// for this one's transaction, so revisions commit in order.
    func nextRevision() throws -> Int64
    /// The last revision taken (0 before any change).
    func currentRevision() throws -> Int64

    func rule(id: String) throws -> StoredRule?
    /// Rules by id (`RuleQuery.page.after` is the last id seen).
    func rules(matching query: RuleQuery) throws -> Page<StoredRule>
    /// Every rule, by id; only evaluable ones when asked.
    func allRules(evaluableOnly: Bool) throws -> [StoredRule]
    /// Inserts or replaces the rule and its technique rows.
    func save(_ rule: StoredRule) throws
    func delete(id: String) throws
    /// Appends to the change log.
    func record(_ change: RuleChange) throws
    /// Log entries after `revision`, in order, at most `limit`.
    func changes(after revision: Int64, limit: Int) throws -> [RuleChange]

    /// Rules whose state expires at or before `now`, soonest first.
    func expiringStates(before now: Date, limit: Int) throws -> [StoredRule]
    /// The soonest state expiry, if any.
    func nextStateExpiry() throws -> Date?

    /// The rules directory's files, by name.
    func sources() throws -> [RuleSource]
    func save(_ source: RuleSource) throws
    func deleteSource(name: String) throws
}
