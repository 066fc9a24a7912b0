import AegisDomain
import Foundation

/// Detection rules in SQL: a row per rule holding its definition and state,
/// a row per mapped technique, the change log, and the rules directory's
/// files. Revisions come from one counter row, locked by each change.
struct SQLRuleRepository<DB: SQLDatabase>: RuleRepository {
    let db: DB

    func lockChanges() throws {
        guard let lock = db.dialect.lockName else { return }
        _ = try db.prepare(lock).bind(.text("rule"), .text("change")).first { _ in true }
    }

    func nextRevision() throws -> Int64 {
        try db.prepare("UPDATE rule_revisions SET revision = revision + 1 WHERE id = 1 RETURNING revision")
            .first { $0.int(0) } ?? 0
    }

    func currentRevision() throws -> Int64 {
        try db.prepare("SELECT revision FROM rule_revisions WHERE id = 1").first { $0.int(0) } ?? 0
    }

    func rule(id: String) throws -> StoredRule? {
        try db.prepare("\(Self.select) WHERE id = ?").bind(.text(id)).first(Self.storedRule)
    }

    func rules(matching query: RuleQuery) throws -> Page<StoredRule> {
        var filter = SQLFilter()
        if let after = query.page.after { filter.add("id > ?", .text(after)) }
        if let format = query.format { filter.add("format = ?", .text(format.rawValue)) }
        if let evaluable = query.evaluable { filter.add("evaluable = ?", .bool(evaluable)) }
        if let level = query.level { filter.add("level = ?", .text(level)) }
        if let technique = query.techniqueID {
            filter.add(
                "EXISTS (SELECT 1 FROM rule_techniques t WHERE t.rule_id = rules.id AND t.technique_id = ?)",
                .text(technique))
        }
        if let state = query.state {
            // A state past its expiry is `enabled`.
            let now = SQLValue.int(StoreTime.micros(query.now))
            switch state {
            case .enabled:
                filter.add("(state = 'enabled' OR (state_expires_at IS NOT NULL AND state_expires_at <= ?))", now)
            case .disabled, .clipped:
                filter.add(
                    "(state = ? AND (state_expires_at IS NULL OR state_expires_at > ?))", .text(state.rawValue), now)
            }
        }
        if let text = query.text {
            let pattern = SQLValue.text("%" + likeEscaped(text) + "%")
            filter.add("(id \(db.dialect.like) ? ESCAPE '\\' OR name \(db.dialect.like) ? ESCAPE '\\')", pattern, pattern)
        }
        let rows = try db.prepare("\(Self.select) \(filter.clause) ORDER BY id LIMIT ?")
            .bind(filter.values + [.int(query.page.limit + 1)]).rows(Self.storedRule)
        guard rows.count > query.page.limit else { return Page(items: rows, nextKey: nil) }
        let items = Array(rows.prefix(query.page.limit))
        return Page(items: items, nextKey: items.last?.id)
    }

    func allRules(evaluableOnly: Bool) throws -> [StoredRule] {
        try db.prepare("\(Self.select)\(evaluableOnly ? " WHERE evaluable = 1" : "") ORDER BY id").rows(Self.storedRule)
    }

    func save(_ rule: StoredRule) throws {
        let d = rule.definition
        let state = rule.state
        try db.prepare(
            """
            INSERT INTO rules (id, format, name, description, level, evaluable, rule_version, status, logsource,
                technique_ids, tactic_ids, source_text, kind, referenced_rules, reference_name, source_name, origin,
                revision, version, state, confidence_max, state_expires_at, state_reason, state_set_by, state_set_at,
                created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET format = excluded.format, name = excluded.name,
                description = excluded.description, level = excluded.level, evaluable = excluded.evaluable,
                rule_version = excluded.rule_version, status = excluded.status, logsource = excluded.logsource,
                technique_ids = excluded.technique_ids, tactic_ids = excluded.tactic_ids,
                source_text = excluded.source_text, kind = excluded.kind,
                referenced_rules = excluded.referenced_rules, reference_name = excluded.reference_name,
                source_name = excluded.source_name, origin = excluded.origin,
                revision = excluded.revision, version = excluded.version, state = excluded.state,
                confidence_max = excluded.confidence_max, state_expires_at = excluded.state_expires_at,
                state_reason = excluded.state_reason, state_set_by = excluded.state_set_by,
                state_set_at = excluded.state_set_at, updated_at = excluded.updated_at
            """
        ).bind(
            .text(d.id), .text(d.format.rawValue), .text(d.name), .text(d.description), .optional(d.level),
            .bool(d.evaluable), .optional(d.ruleVersion), .optional(d.status), .text(Self.encode(d.logsource)),
            .text(StringList.encode(d.techniqueIDs)), .text(StringList.encode(d.tacticIDs)), .text(d.sourceText),
            .text(d.kind.rawValue), .text(StringList.encode(d.referencedRules)), .optional(d.referenceName),
            .text(rule.sourceName), .text(rule.origin.rawValue), .int(rule.revision), .int(rule.version),
            .text(state.kind.rawValue), state.confidenceMax.map { .int($0) } ?? .null, StoreTime.value(state.expiresAt),
            .optional(state.reason), .optional(state.setBy), StoreTime.value(state.setAt),
            .int(StoreTime.micros(rule.createdAt)), .int(StoreTime.micros(rule.updatedAt))
        ).run()
        try db.prepare("DELETE FROM rule_techniques WHERE rule_id = ?").bind(.text(d.id)).run()
        try db.insertRows(
            "rule_techniques (rule_id, technique_id)", columns: 2,
            Array(Set(d.techniqueIDs)).sorted().map { [.text(d.id), .text($0)] })
    }

    func delete(id: String) throws {
        try db.prepare("DELETE FROM rule_techniques WHERE rule_id = ?").bind(.text(id)).run()
        try db.prepare("DELETE FROM rules WHERE id = ?").bind(.text(id)).run()
    }

    func record(_ change: RuleChange) throws {
        try db.prepare("INSERT INTO rule_changes (revision, rule_id, kind, at) VALUES (?, ?, ?, ?)").bind(
            .int(change.revision), .text(change.ruleID), .text(change.kind.rawValue), .int(StoreTime.micros(change.at))
        ).run()
    }

    func changes(after revision: Int64, limit: Int) throws -> [RuleChange] {
        try db.prepare("SELECT revision, rule_id, kind, at FROM rule_changes WHERE revision > ? ORDER BY revision LIMIT ?")
            .bind(.int(revision), .int(limit)).rows {
                RuleChange(
                    revision: $0.int(0), ruleID: $0.text(1), kind: RuleChange.Kind(rawValue: $0.text(2)) ?? .updated,
                    at: StoreTime.date($0.int(3)))
            }
    }

    func expiringStates(before now: Date, limit: Int) throws -> [StoredRule] {
        try db.prepare(
            "\(Self.select) WHERE state_expires_at IS NOT NULL AND state_expires_at <= ? ORDER BY state_expires_at, id LIMIT ?"
        ).bind(.int(StoreTime.micros(now)), .int(limit)).rows(Self.storedRule)
    }

    func nextStateExpiry() throws -> Date? {
        try db.prepare("SELECT min(state_expires_at) FROM rules WHERE state_expires_at IS NOT NULL")
            .first { $0.optionalInt(0) }.flatMap { $0 }.map(StoreTime.date)
    }

    func sources() throws -> [RuleSource] {
        try db.prepare("SELECT name, status, error, rule_ids, content_sha256, synced_at FROM rule_sources ORDER BY name")
            .rows {
                RuleSource(
                    name: $0.text(0), status: RuleSource.Status(rawValue: $0.text(1)) ?? .failed,
                    error: $0.optionalText(2), ruleIDs: StringList.decode($0.text(3)), contentSHA256: $0.optionalText(4),
                    syncedAt: StoreTime.date($0.int(5)))
            }
    }

    func save(_ source: RuleSource) throws {
        try db.prepare(
            """
            INSERT INTO rule_sources (name, status, error, rule_ids, content_sha256, synced_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET status = excluded.status, error = excluded.error,
                rule_ids = excluded.rule_ids, content_sha256 = excluded.content_sha256, synced_at = excluded.synced_at
            """
        ).bind(
            .text(source.name), .text(source.status.rawValue), .optional(source.error),
            .text(StringList.encode(source.ruleIDs)), .optional(source.contentSHA256),
            .int(StoreTime.micros(source.syncedAt))
        ).run()
    }

    func deleteSource(name: String) throws {
        try db.prepare("DELETE FROM rule_sources WHERE name = ?").bind(.text(name)).run()
    }

    // MARK: Rows

    static var select: String {
        """
        SELECT id, format, name, description, level, evaluable, rule_version, status, logsource, technique_ids,
            tactic_ids, source_text, source_name, origin, revision, version, state, confidence_max, state_expires_at,
            state_reason, state_set_by, state_set_at, created_at, updated_at, kind, referenced_rules, reference_name
            FROM rules
        """
    }

    static func storedRule(_ row: some SQLRow) -> StoredRule {
        let definition = RuleDefinition(
            id: row.text(0), format: RuleFormat(rawValue: row.text(1)) ?? .sigma, name: row.text(2),
            description: row.text(3), techniqueIDs: StringList.decode(row.text(9)),
            tacticIDs: StringList.decode(row.text(10)), level: row.optionalText(4), evaluable: row.bool(5),
            ruleVersion: row.optionalText(6), status: row.optionalText(7), logsource: decode(row.text(8)),
            sourceText: row.text(11), kind: RuleDefinition.Kind(rawValue: row.text(24)) ?? .detection,
            referencedRules: StringList.decode(row.text(25)), referenceName: row.optionalText(26))
        let state = RuleState(
            kind: RuleState.Kind(rawValue: row.text(16)) ?? .enabled, confidenceMax: row.optionalInt(17).map { Int($0) },
            expiresAt: row.optionalInt(18).map(StoreTime.date), reason: row.optionalText(19),
            setBy: row.optionalText(20), setAt: row.optionalInt(21).map(StoreTime.date))
        return StoredRule(
            definition: definition, origin: RuleOrigin(rawValue: row.text(13)) ?? .import, sourceName: row.text(12),
            revision: row.int(14), version: row.int(15), state: state, createdAt: StoreTime.date(row.int(22)),
            updatedAt: StoreTime.date(row.int(23)))
    }

    static func encode(_ logsource: [String: String]) -> String { Value.map(logsource.mapValues(Value.string)).jsonText }

    static func decode(_ text: String) -> [String: String] {
        Value(storedJSON: text)?.mapValue?.compactMapValues(\.stringValue) ?? [:]
    }
}
