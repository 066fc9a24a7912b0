import AegisDomain
import Foundation

/// Scoring's settings and inputs in SQL. The inputs come from the coverage
/// rows the workflow maintains (`procedure_coverage`, `technique_status`)
/// and the rules' technique rows, aggregated: never by loading tests.
struct SQLScoreRepository<DB: SQLDatabase>: ScoreRepository {
    let db: DB

    private static var weightColumns: String { "version, prevention, detection, rules, visibility, freshness, set_at, set_by" }

    private static func weights(_ row: some SQLRow) -> ScoreWeights {
        ScoreWeights(
            prevention: Int(row.int(1)), detection: Int(row.int(2)), rules: Int(row.int(3)), visibility: Int(row.int(4)),
            freshness: Int(row.int(5)), version: Int(row.int(0)), setAt: StoreTime.date(row.int(6)),
            setBy: row.optionalText(7))
    }

    func weights() throws -> ScoreWeights? {
        try db.prepare("SELECT \(Self.weightColumns) FROM score_weights ORDER BY version DESC LIMIT 1").first(Self.weights)
    }

    func insertWeights(_ w: ScoreWeights) throws {
        try db.prepare("INSERT INTO score_weights (\(Self.weightColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").bind(
            .int(w.version), .int(w.prevention), .int(w.detection), .int(w.rules), .int(w.visibility), .int(w.freshness),
            .int(StoreTime.micros(w.setAt ?? Date())), .optional(w.setBy)
        ).run()
    }

    func weightsHistory(limit: Int) throws -> [ScoreWeights] {
        try db.prepare("SELECT \(Self.weightColumns) FROM score_weights ORDER BY version DESC LIMIT ?")
            .bind(.int(limit)).rows(Self.weights)
    }

    func visibility(techniqueID: String) throws -> TechniqueVisibility? {
        try db.prepare("SELECT level, note, updated_at, updated_by FROM technique_visibility WHERE technique_id = ?")
            .bind(.text(techniqueID)).first { row in
                TechniqueVisibility(
                    level: Int(row.int(0)), note: row.text(1), updatedAt: StoreTime.date(row.int(2)),
                    updatedBy: row.optionalText(3))
            }
    }

    func setVisibility(_ v: TechniqueVisibility?, techniqueID: String) throws {
        guard let v else {
            try db.prepare("DELETE FROM technique_visibility WHERE technique_id = ?").bind(.text(techniqueID)).run()
            return
        }
        try db.prepare(
            """
            INSERT INTO technique_visibility (technique_id, level, note, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (technique_id) DO UPDATE SET level = excluded.level, note = excluded.note,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """
        ).bind(.text(techniqueID), .int(v.level), .text(v.note), .int(StoreTime.micros(v.updatedAt)), .optional(v.updatedBy))
            .run()
    }

    func dataComponents(domain: String) throws -> [DataComponentCollection] {
        try db.prepare(
            """
            SELECT d.id, d.name, c.data_component_id IS NOT NULL,
                (SELECT count(DISTINCT l.technique_id) FROM detection_links l WHERE l.data_component_id = d.id AND l.domain = ?)
            FROM data_components d LEFT JOIN collected_data_components c ON c.data_component_id = d.id
            WHERE d.revoked = 0 AND d.deprecated = 0 AND d.domains LIKE ?
            ORDER BY d.id
            """
        ).bind(.text(domain), .text("%\(domain)%")).rows { row in
            DataComponentCollection(id: row.text(0), name: row.text(1), collected: row.bool(2), techniques: Int(row.int(3)))
        }
    }

    func setCollected(_ ids: [String], collected: Bool, at time: Date, by actor: String?) throws -> Int {
        var changed = 0
        for id in ids {
            if collected {
                changed += try db.prepare(
                    """
                    INSERT INTO collected_data_components (data_component_id, collected_at, collected_by) VALUES (?, ?, ?)
                    ON CONFLICT (data_component_id) DO NOTHING
                    """
                ).bind(.text(id), .int(StoreTime.micros(time)), .optional(actor)).run()
            } else {
                changed += try db.prepare("DELETE FROM collected_data_components WHERE data_component_id = ?").bind(.text(id)).run()
            }
        }
        return changed
    }

    /// Visibility derived from collected data components: of the data
    /// components a technique's detection strategies use, the share
    /// collected, as 0-4. Nil for every technique while the team has
    /// recorded none, and for techniques no strategy covers.
    private func derivedVisibility(domain: String) throws -> [String: Int] {
        guard try db.prepare("SELECT 1 FROM collected_data_components LIMIT 1").first({ _ in true }) != nil else { return [:] }
        var out: [String: Int] = [:]
        for (id, used, collected) in try db.prepare(
            """
            SELECT l.technique_id, count(DISTINCT l.data_component_id), count(DISTINCT c.data_component_id)
            FROM detection_links l LEFT JOIN collected_data_components c ON c.data_component_id = l.data_component_id
            WHERE l.domain = ? GROUP BY l.technique_id
            """
        ).bind(.text(domain)).rows({ ($0.text(0), $0.int(1), $0.int(2)) }) where used > 0 {
            out[id] = Int((4 * Double(collected) / Double(used)).rounded())
        }
        return out
    }

    func scoreRows(_ scope: ScoreScope, domain: String, now: Date) throws -> [ScoreRow] {
        let (condition, scopeValues) = Self.scopeCondition(scope, domain: domain)
        func on(_ column: String) -> String { condition.replacingOccurrences(of: "{id}", with: column) }
        // The aggregates need no filter for the whole domain: the technique
        // query below picks the domain's techniques.
        let (aggregateCondition, aggregateValues) = scope == .all ? ("1 = 1", []) : (on("technique_id"), scopeValues)
        // Maintained aggregates only, read by five simple queries (faster
        // than joining grouped subqueries): outcome counts per technique,
        // freshness per technique and period (a dozen rows each), rules that
        // fire per technique, tactics, and the techniques with their status
        // and visibility.
        var outcomes: [String: [String: Int]] = [:]
        for (id, outcome, count) in try db.prepare(
            "SELECT technique_id, outcome, procedures FROM technique_outcome_counts WHERE procedures > 0 AND \(aggregateCondition)"
        ).bind(aggregateValues).rows({ ($0.text(0), $0.text(1), Int($0.int(2))) }) {
            outcomes[id, default: [:]][outcome] = count
        }
        let freshness = FreshnessPeriods.sum(now: now)
        var fresh: [String: Double] = [:]
        for (id, value) in try db.prepare(
            """
            SELECT technique_id, \(freshness.sql) FROM technique_freshness
            WHERE period >= ? AND procedures > 0 AND \(aggregateCondition) GROUP BY technique_id
            """
        ).bind(freshness.values + [.int(freshness.firstPeriod)] + aggregateValues).rows({ ($0.text(0), $0.double(1)) }) {
            fresh[id] = value
        }
        var rules: [String: Int] = [:]
        for (id, count) in try db.prepare(
            """
            SELECT rt.technique_id, count(*) FROM rule_techniques rt JOIN rules r ON r.id = rt.rule_id
            WHERE \(Self.ruleFires) AND \(scope == .all ? "1 = 1" : on("rt.technique_id")) GROUP BY rt.technique_id
            """
        ).bind([.int(StoreTime.micros(now))] + aggregateValues).rows({ ($0.text(0), Int($0.int(1))) }) {
            rules[id] = count
        }
        let tactics = try tacticsByTechnique(scope, domain: domain)
        let derived = try derivedVisibility(domain: domain)
        return try db.prepare(
            """
            SELECT t.id, t.name, t.is_subtechnique, s.status, v.level
            FROM techniques t
            LEFT JOIN technique_status s ON s.technique_id = t.id
            LEFT JOIN technique_visibility v ON v.technique_id = t.id
            WHERE t.revoked = 0 AND t.deprecated = 0 AND \(on("t.id"))
            ORDER BY t.id
            """
        ).bind(scopeValues).rows { row in
            let id = row.text(0)
            let counts = outcomes[id] ?? [:]
            let prevented = counts["prevented"] ?? 0, detected = counts["detected"] ?? 0
            let logged = counts["logged"] ?? 0, missed = counts["missed"] ?? 0
            let evidence = TechniqueEvidence(
                techniqueID: id, procedures: prevented + detected + logged + missed, prevented: prevented,
                detected: detected, logged: logged, missed: missed, freshness: fresh[id] ?? 0, firingRules: rules[id] ?? 0,
                // Set by hand wins over derived.
                visibility: row.optionalInt(4).map { Int($0) } ?? derived[id],
                visibilitySource: !row.isNull(4) ? .manual : derived[id] != nil ? .derived : nil)
            return ScoreRow(
                techniqueID: id, name: row.text(1), isSubtechnique: row.bool(2), tactics: tactics[id] ?? [],
                status: row.optionalText(3).flatMap(TechniqueStatus.init(rawValue:)) ?? .untested, evidence: evidence)
        }
    }

    /// The techniques of `scope` in `domain`, as a condition on a technique
    /// id column (written `{id}`), with its values.
    static func scopeCondition(_ scope: ScoreScope, domain: String) -> (String, [SQLValue]) {
        switch scope {
        case .all:
            return ("{id} IN (SELECT technique_id FROM technique_tactics WHERE domain = ?)", [.text(domain)])
        case .technique(let id):
            return (
                "{id} = ? AND {id} IN (SELECT technique_id FROM technique_tactics WHERE domain = ?)",
                [.text(id), .text(domain)]
            )
        case .tactic(let shortname):
            return (
                "{id} IN (SELECT technique_id FROM technique_tactics WHERE domain = ? AND shortname = ?)",
                [.text(domain), .text(shortname)]
            )
        case .actor(let id):
            return (
                "{id} IN (SELECT technique_id FROM actor_techniques WHERE actor_id = ? AND domain = ?)",
                [.text(id), .text(domain)]
            )
        }
    }

    /// Tactic shortnames per technique in `domain`, in matrix order.
    private func tacticsByTechnique(_ scope: ScoreScope, domain: String) throws -> [String: [String]] {
        let positions = Dictionary(
            try db.prepare("SELECT shortname, position FROM tactics WHERE domain = ?").bind(.text(domain))
                .rows({ ($0.text(0), Int($0.int(1))) }), uniquingKeysWith: { a, _ in a })
        var filter = SQLFilter()
        filter.add("domain = ?", .text(domain))
        if case .technique(let id) = scope { filter.add("technique_id = ?", .text(id)) }
        var out: [String: [String]] = [:]
        for (technique, shortname) in try db.prepare("SELECT technique_id, shortname FROM technique_tactics \(filter.clause)")
            .bind(filter.values).rows({ ($0.text(0), $0.text(1)) })
        {
            out[technique, default: []].append(shortname)
        }
        for (technique, shortnames) in out {
            out[technique] = shortnames.sorted { (positions[$0] ?? .max, $0) < (positions[$1] ?? .max, $1) }
        }
        return out
    }
}
