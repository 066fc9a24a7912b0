import AegisDomain
import Foundation

/// Reports and operational metrics in SQL: each is one aggregation over
/// `tests` (with the tactic mapping where grouped by tactic), or one page
/// of rows by key.
struct SQLReportRepository<DB: SQLDatabase>: ReportRepository {
    let db: DB

    /// When a test counts for a period: its attack start, or its creation
    /// if it never started.
    private static var when: String { "coalesce(t.attack_started_at, t.created_at)" }

    func liveTestCounts() throws -> [String: Int] {
        Dictionary(
            try db.prepare("SELECT technique_id, count(*) FROM tests WHERE state != 'cancelled' GROUP BY technique_id")
                .rows { ($0.text(0), Int($0.int(1))) }, uniquingKeysWith: +)
    }

    /// The FROM clause, WHERE clause and values of a period; joined to the
    /// domain's tactics when `byTactic`.
    private func scope(_ period: ReportPeriod, byTactic: Bool) -> (from: String, filter: SQLFilter) {
        var filter = SQLFilter()
        var from = "tests t"
        if byTactic {
            from += " JOIN technique_tactics x ON x.technique_id = t.technique_id AND x.domain = ?"
        }
        filter.add("t.state != 'cancelled'")
        if let since = period.since { filter.add("\(Self.when) >= ?", .int(StoreTime.micros(since))) }
        if let until = period.until { filter.add("\(Self.when) < ?", .int(StoreTime.micros(until))) }
        return (from, filter)
    }

    func testResults(_ period: ReportPeriod, groupBy: ResultsGrouping) throws -> [ResultsRow] {
        let key: String
        switch groupBy {
        case .technique: key = "t.technique_id"
        case .tactic: key = "x.shortname"
        case .month: key = db.dialect.month(ofMicros: Self.when)
        case .state: key = "t.state"
        // A blind test red has not submitted keeps its platform to itself,
        // for everyone alike (the answer is cached for all callers).
        case .platform: key = "CASE WHEN t.blind = 1 AND t.red_submitted_at IS NULL THEN '' ELSE t.platform END"
        }
        let (from, filter) = scope(period, byTactic: groupBy == .tactic)
        let domain: [SQLValue] = groupBy == .tactic ? [.text(period.domain)] : []
        return try db.prepare(
            """
            SELECT \(key) AS k, count(*),
                sum(CASE WHEN t.red_submitted_at IS NOT NULL THEN 1 ELSE 0 END),
                sum(CASE WHEN t.state = 'validated' THEN 1 ELSE 0 END),
                sum(CASE WHEN t.state = 'validated' AND t.outcome = 'prevented' THEN 1 ELSE 0 END),
                sum(CASE WHEN t.state = 'validated' AND t.outcome = 'detected' THEN 1 ELSE 0 END),
                sum(CASE WHEN t.state = 'validated' AND t.outcome = 'logged' THEN 1 ELSE 0 END),
                sum(CASE WHEN t.state = 'validated' AND t.outcome = 'missed' THEN 1 ELSE 0 END)
            FROM \(from) \(filter.clause)
            GROUP BY k ORDER BY k
            """
        ).bind(domain + filter.values).rows { row in
            ResultsRow(
                key: row.optionalText(0) ?? "", tests: Int(row.int(1)), executed: Int(row.int(2)), validated: Int(row.int(3)),
                prevented: Int(row.int(4)), detected: Int(row.int(5)), logged: Int(row.int(6)), missed: Int(row.int(7)))
        }
    }

    func operationalMetrics(_ period: ReportPeriod, groupBy: MetricsGrouping) throws -> [MetricsRow] {
        let key: String
        switch groupBy {
        case .tactic: key = "x.shortname"
        case .month: key = db.dialect.month(ofMicros: Self.when)
        case .team: key = "coalesce(t.remediation_owner, '')"
        }
        let (from, filter) = scope(period, byTactic: groupBy == .tactic)
        let domain: [SQLValue] = groupBy == .tactic ? [.text(period.domain)] : []
        // Detection: attack start to detection. Remediation: detection (for
        // an attack nobody detected, blue's findings: when the gap became
        // known) to remediation done.
        let detect = "t.detected_at IS NOT NULL AND t.attack_started_at IS NOT NULL AND t.detected_at >= t.attack_started_at"
        let known = "coalesce(t.detected_at, t.blue_submitted_at)"
        let remedy = "t.remediated_at IS NOT NULL AND \(known) IS NOT NULL AND t.remediated_at >= \(known)"
        return try db.prepare(
            """
            SELECT \(key) AS k,
                sum(CASE WHEN t.red_submitted_at IS NOT NULL THEN 1 ELSE 0 END),
                sum(CASE WHEN t.state = 'validated' THEN 1 ELSE 0 END),
                sum(CASE WHEN t.state = 'validated' AND t.outcome IN ('detected', 'prevented') THEN 1 ELSE 0 END),
                avg(CASE WHEN \(detect) THEN (t.detected_at - t.attack_started_at) / 1000000.0 END),
                sum(CASE WHEN \(detect) THEN 1 ELSE 0 END),
                avg(CASE WHEN \(remedy) THEN (t.remediated_at - \(known)) / 1000000.0 END),
                sum(CASE WHEN \(remedy) THEN 1 ELSE 0 END)
            FROM \(from) \(filter.clause)
            GROUP BY k ORDER BY k
            """
        ).bind(domain + filter.values).rows { row in
            let validated = Int(row.int(2))
            return MetricsRow(
                key: row.optionalText(0) ?? "", executed: Int(row.int(1)), validated: validated,
                detectionRate: validated > 0 ? Double(row.int(3)) / Double(validated) : nil,
                mttdSeconds: row.isNull(4) ? nil : row.double(4), mttdTests: Int(row.int(5)),
                mttrSeconds: row.isNull(6) ? nil : row.double(6), mttrTests: Int(row.int(7)))
        }
    }

    func remediation(includeDone: Bool, now: Date, page: PageRequest) throws -> Page<RemediationItem> {
        let due = "coalesce(t.remediation_due_at, \(Int64.max))"
        var filter = SQLFilter()
        filter.add("pc.outcome IN ('missed', 'logged')")
        if !includeDone { filter.add("t.remediated_at IS NULL") }
        if let after = page.after, let (at, id) = TimeKey.split(after) {
            filter.add("(\(due) > ? OR (\(due) = ? AND t.id > ?))", .int(at), .int(at), .text(id))
        }
        let rows = try db.prepare(
            """
            SELECT t.id, t.technique_id, t.name, t.outcome, t.validated_at, t.remediation_owner, t.remediation_due_at,
                t.remediated_at, \(due)
            FROM procedure_coverage pc
            JOIN tests t ON t.procedure_id = pc.procedure_id AND t.state = 'validated' AND t.validated_at = pc.validated_at
                AND t.outcome = pc.outcome AND (t.red_outcome IS NULL OR t.red_outcome != 'failed')
            \(filter.clause)
            ORDER BY \(due), t.id LIMIT ?
            """
        ).bind(filter.values + [.int(page.limit + 1)]).rows { row in
            let dueAt = row.optionalInt(6).map(StoreTime.date)
            let doneAt = row.optionalInt(7).map(StoreTime.date)
            return (
                RemediationItem(
                    testID: row.text(0), techniqueID: row.text(1), name: row.text(2),
                    outcome: TestOutcome(rawValue: row.text(3)) ?? .missed, validatedAt: row.optionalInt(4).map(StoreTime.date),
                    owner: row.optionalText(5), dueAt: dueAt, doneAt: doneAt,
                    overdue: doneAt == nil && dueAt.map { $0 < now } == true),
                key: "\(row.int(8)):\(row.text(0))"
            )
        }
        var items = Array(rows.prefix(page.limit))
        let recommended = try SQLCountermeasureRepository(db: db).countermeasureIDs(addressing: Set(items.map(\.0.techniqueID)))
        for i in items.indices { items[i].0.countermeasures = recommended[items[i].0.techniqueID] ?? [] }
        return Page(items: items.map(\.0), nextKey: rows.count > page.limit ? items.last?.key : nil)
    }

    func exportRows(after: String?, limit: Int) throws -> [TestExportRow] {
        var filter = SQLFilter()
        if let after { filter.add("id > ?", .text(after)) }
        return try db.prepare(
            """
            SELECT id, technique_id, name, blind, red_submitted_at IS NOT NULL, state, outcome, platform, created_at,
                attack_started_at, detected_at, validated_at, remediation_owner, remediation_due_at, remediated_at, targets
            FROM tests \(filter.clause) ORDER BY id LIMIT ?
            """
        ).bind(filter.values + [.int(limit)]).rows { row in
            TestExportRow(
                id: row.text(0), techniqueID: row.text(1), name: row.text(2), blind: row.bool(3), redSubmitted: row.bool(4),
                state: row.text(5), outcome: row.optionalText(6), platform: row.text(7), targets: StringList.decode(row.text(15)), createdAt: StoreTime.date(row.int(8)),
                attackStartedAt: row.optionalInt(9).map(StoreTime.date), detectedAt: row.optionalInt(10).map(StoreTime.date),
                validatedAt: row.optionalInt(11).map(StoreTime.date), remediationOwner: row.optionalText(12),
                remediationDueAt: row.optionalInt(13).map(StoreTime.date), remediatedAt: row.optionalInt(14).map(StoreTime.date))
        }
    }
}

// MARK: Countermeasures

extension SQLReportRepository {
    /// The gap techniques as a `WITH gaps` clause, and its values: of the
    /// domain, `missed` or `logged`; with an actor, those it uses that are
    /// `missed`, `logged` or (not revoked or deprecated) `untested`.
    private func gaps(_ query: CountermeasureRankingQuery) -> (sql: String, values: [SQLValue]) {
        guard let actor = query.actorID else {
            return (
                """
                WITH gaps AS (
                    SELECT s.technique_id FROM technique_status s
                    WHERE s.status IN ('missed', 'logged')
                        AND s.technique_id IN (SELECT technique_id FROM technique_tactics WHERE domain = ?))
                """, [.text(query.domain)]
            )
        }
        return (
            """
            WITH gaps AS (
                SELECT a.technique_id FROM actor_techniques a
                JOIN techniques t ON t.id = a.technique_id
                LEFT JOIN technique_status s ON s.technique_id = a.technique_id
                WHERE a.actor_id = ? AND a.domain = ?
                    AND (s.status IN ('missed', 'logged')
                        OR (coalesce(s.status, 'untested') = 'untested' AND t.revoked = 0 AND t.deprecated = 0)))
            """, [.text(actor), .text(query.domain)]
        )
    }

    func countermeasureRanking(_ query: CountermeasureRankingQuery) throws -> CountermeasureRanking {
        let (with, values) = gaps(query)
        let tactic: (clause: String, values: [SQLValue]) =
            query.tactic.map { ("AND c.tactic = ?", [.text($0.rawValue)]) } ?? ("", [])
        let items = try db.prepare(
            """
            \(with)
            SELECT c.id, c.name, c.tactic, count(*) AS n, \(db.dialect.joined("g.technique_id"))
            FROM gaps g
            JOIN countermeasure_links l ON l.technique_id = g.technique_id
            JOIN countermeasures c ON c.id = l.countermeasure_id \(tactic.clause)
            GROUP BY c.id, c.name, c.tactic
            ORDER BY n DESC, c.id LIMIT ?
            """
        ).bind(values + tactic.values + [.int(query.limit)]).rows { row in
            CountermeasureRanking.Item(
                countermeasure: SQLCountermeasureRepository<DB>.ref(row), gaps: Int(row.int(3)),
                techniques: row.text(4).split(separator: ",").map(String.init).sorted())
        }
        let (total, addressed) = try db.prepare(
            """
            \(with)
            SELECT count(*), coalesce(sum(CASE WHEN EXISTS (
                SELECT 1 FROM countermeasure_links l JOIN countermeasures c ON c.id = l.countermeasure_id
                WHERE l.technique_id = g.technique_id \(tactic.clause)) THEN 1 ELSE 0 END), 0)
            FROM gaps g
            """
        ).bind(values + tactic.values).first { (Int($0.int(0)), Int($0.int(1))) } ?? (0, 0)
        return CountermeasureRanking(
            domain: query.domain, actorID: query.actorID, tactic: query.tactic, gapTechniques: total, addressed: addressed,
            items: items)
    }
}
