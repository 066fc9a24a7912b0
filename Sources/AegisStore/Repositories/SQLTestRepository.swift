import AegisDomain
import Foundation

/// Tests in SQL: one row per test with a column per field (so reports
/// can aggregate in SQL), assignees and targets mirrored in
/// `test_assignees` and `test_targets` for filtering, and the per-technique
/// status table.
struct SQLTestRepository<DB: SQLDatabase>: TestRepository {
    let db: DB

    /// Adds `test`; a `sourceRef` another test holds is `ALREADY_EXISTS`
    /// (field `source_ref`), from the unique index.
    func insert(_ test: TestCase) throws {
        do {
            try db.prepare("INSERT INTO tests (\(SQLTestRows.columns)) VALUES (\(SQLTestRows.placeholders))")
                .bind(SQLTestRows.values(test)).run()
        } catch let error as any SQLDatabaseError where error.isUniqueViolation && test.sourceRef != nil {
            throw AegisError(
                .alreadyExists, "a test made from \(test.sourceRef ?? "") already exists",
                details: ["field": "source_ref", "kind": "test"])
        }
        try writeAssignees(test)
        try writeTargets(test)
    }

    func update(_ test: TestCase, assigneesChanged: Bool, targetsChanged: Bool) throws -> Bool {
        let values = SQLTestRows.values(test)
        let changed = try db.prepare("UPDATE tests SET \(SQLTestRows.assignments) WHERE id = ? AND version = ?")
            .bind(SQLTestRows.changeable.map { values[$0] } + [.text(test.id), .int(test.version - 1)]).run()
        guard changed == 1 else { return false }
        if assigneesChanged { try writeAssignees(test) }
        if targetsChanged { try writeTargets(test) }
        return true
    }

    private func writeTargets(_ test: TestCase) throws {
        try db.prepare("DELETE FROM test_targets WHERE test_id = ?").bind(.text(test.id)).run()
        var seen: Set<String> = []
        for target in test.targets where seen.insert(TestTargets.nameKey(target)).inserted {
            try db.prepare("INSERT INTO test_targets (test_id, name_key, host_key) VALUES (?, ?, ?)")
                .bind(.text(test.id), .text(TestTargets.nameKey(target)), .text(TestTargets.hostKey(target))).run()
        }
    }

    private func writeAssignees(_ test: TestCase) throws {
        try db.prepare("DELETE FROM test_assignees WHERE test_id = ?").bind(.text(test.id)).run()
        for user in Set(test.assignees) {
            try db.prepare("INSERT INTO test_assignees (test_id, user_id) VALUES (?, ?)").bind(.text(test.id), .text(user))
                .run()
        }
    }

    func test(id: String) throws -> TestCase? {
        try db.prepare("SELECT \(SQLTestRows.columns) FROM tests WHERE id = ?").bind(.text(id)).first(SQLTestRows.test)
    }

    func test(sourceRef: String) throws -> TestCase? {
        try db.prepare("SELECT \(SQLTestRows.columns) FROM tests WHERE source_ref = ?").bind(.text(sourceRef))
            .first(SQLTestRows.test)
    }

    func tests(matching query: TestQuery) throws -> Page<TestCase> {
        var filter = SQLFilter()
        if let after = query.page.after, let (at, id) = TimeKey.split(after) {
            filter.add("(t.updated_at > ? OR (t.updated_at = ? AND t.id > ?))", .int(at), .int(at), .text(id))
        }
        if let techniqueID = query.techniqueID {
            filter.add("t.technique_id = ?", .text(techniqueID))
        }
        if let state = query.state {
            filter.add("t.state = ?", .text(state.rawValue))
        }
        if let outcome = query.outcome {
            filter.add("t.outcome = ?", .text(outcome.rawValue))
        }
        if let assignee = query.assignee {
            filter.add("EXISTS (SELECT 1 FROM test_assignees a WHERE a.test_id = t.id AND a.user_id = ?)", .text(assignee))
        }
        if let target = query.target {
            // As `TestTargets.matches`: a bare filter matches by host part;
            // one with a domain matches that name, or the bare host.
            let matching = "EXISTS (SELECT 1 FROM test_targets x WHERE x.test_id = t.id AND"
            if TestTargets.isBare(target) {
                filter.add("\(matching) x.host_key = ?)", .text(TestTargets.hostKey(target)))
            } else {
                filter.add(
                    "\(matching) x.name_key IN (?, ?))", .text(TestTargets.nameKey(target)),
                    .text(TestTargets.hostKey(target)))
            }
            if query.targetSkipsRedacted {
                filter.add("NOT (t.blind = ? AND t.red_submitted_at IS NULL)", .bool(true))
            }
        }
        if let sourceRef = query.sourceRef {
            filter.add("t.source_ref = ?", .text(sourceRef))
            if query.sourceRefSkipsRedacted {
                filter.add("NOT (t.blind = ? AND t.red_submitted_at IS NULL)", .bool(true))
            }
        }
        if let since = query.updatedSince {
            filter.add("t.updated_at >= ?", .int(StoreTime.micros(since)))
        }
        let rows = try db.prepare(
            "SELECT \(SQLTestRows.columns.replacingOccurrences(of: "\n", with: " ")) FROM tests t \(filter.clause) ORDER BY t.updated_at, t.id LIMIT ?"
        ).bind(filter.values + [.int(query.page.limit + 1)]).rows(SQLTestRows.test)
        let items = Array(rows.prefix(query.page.limit))
        let next = rows.count > query.page.limit ? items.last.map { TimeKey.make($0.updatedAt, $0.id) } : nil
        return Page(items: items, nextKey: next)
    }

    func retests(of id: String) throws -> [String] {
        try db.prepare("SELECT id FROM tests WHERE retest_of = ? ORDER BY created_at, id").bind(.text(id)).rows { $0.text(0) }
    }

    /// The technique's coverage rows are derived from what the other tests
    /// hold: writers that commit side by side take turns per technique, so
    /// each reads the others' committed changes before it derives its own.
    private func lockCoverage(techniqueID: String) throws {
        guard let lock = db.dialect.lockName else { return }
        _ = try db.prepare(lock).bind(.text("technique"), .text(techniqueID)).first { _ in true }
    }

    func refreshProcedure(_ procedureID: String, techniqueID: String) throws {
        try lockCoverage(techniqueID: techniqueID)
        let latest = try db.prepare(
            """
            SELECT outcome, validated_at FROM tests
            WHERE procedure_id = ? AND state = 'validated' AND outcome IS NOT NULL
                AND (red_outcome IS NULL OR red_outcome != 'failed')
            ORDER BY validated_at DESC, id DESC LIMIT 1
            """
        ).bind(.text(procedureID)).first { ($0.text(0), $0.optionalInt(1)) }
        // nil: no row yet; .some(nil): a row without a validated outcome.
        let row = try db.prepare("SELECT outcome, validated_at FROM procedure_coverage WHERE procedure_id = ?")
            .bind(.text(procedureID)).first { ($0.optionalText(0), $0.optionalInt(1)) }
        let stored: String? = row?.0 ?? nil
        let outcome = latest?.0
        if let row, row.0 == outcome, row.1 == latest?.1 { return }
        if stored != outcome {
            if let old = stored {
                try db.prepare(
                    "UPDATE technique_outcome_counts SET procedures = procedures - 1 WHERE technique_id = ? AND outcome = ?"
                ).bind(.text(techniqueID), .text(old)).run()
            }
            if let new = outcome {
                try db.prepare(
                    """
                    INSERT INTO technique_outcome_counts (technique_id, outcome, procedures) VALUES (?, ?, 1)
                    ON CONFLICT (technique_id, outcome) DO UPDATE SET procedures = technique_outcome_counts.procedures + 1
                    """
                ).bind(.text(techniqueID), .text(new)).run()
            }
        }
        // Freshness periods follow the validation time of counted procedures.
        if stored != nil, let was = row?.1 {
            try FreshnessPeriods.record(db, techniqueID: techniqueID, validatedAtMicros: was, sign: -1)
        }
        if outcome != nil, let now = latest?.1 {
            try FreshnessPeriods.record(db, techniqueID: techniqueID, validatedAtMicros: now, sign: 1)
        }
        try db.prepare(
            """
            INSERT INTO procedure_coverage (procedure_id, technique_id, outcome, validated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (procedure_id) DO UPDATE SET outcome = excluded.outcome, validated_at = excluded.validated_at
            """
        ).bind(.text(procedureID), .text(techniqueID), .optional(outcome), latest?.1.map(SQLValue.int) ?? .null).run()
    }

    func coverage(techniqueID: String) throws -> (latestValidated: [TestOutcome], hasLiveTests: Bool) {
        try lockCoverage(techniqueID: techniqueID)
        let outcomes = try db.prepare(
            "SELECT outcome FROM technique_outcome_counts WHERE technique_id = ? AND procedures > 0"
        ).bind(.text(techniqueID)).rows { TestOutcome(rawValue: $0.text(0)) }.compactMap { $0 }
        let live = try db.prepare("SELECT EXISTS (SELECT 1 FROM tests WHERE technique_id = ? AND state != 'cancelled')")
            .bind(.text(techniqueID)).first { $0.bool(0) } ?? false
        return (outcomes, live)
    }

    func status(techniqueID: String) throws -> TechniqueStatus {
        let stored = try db.prepare("SELECT status FROM technique_status WHERE technique_id = ?")
            .bind(.text(techniqueID)).first { $0.text(0) }
        return stored.flatMap(TechniqueStatus.init(rawValue:)) ?? .untested
    }

    func setStatus(_ status: TechniqueStatus, techniqueID: String, at: Date) throws {
        try db.prepare(
            """
            INSERT INTO technique_status (technique_id, status, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (technique_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
            """
        ).bind(.text(techniqueID), .text(status.rawValue), .int(StoreTime.micros(at))).run()
    }

    func statuses(techniqueIDs: [String]) throws -> [String: TechniqueStatus] {
        var out: [String: TechniqueStatus] = [:]
        for id in techniqueIDs {
            let stored = try db.prepare("SELECT status FROM technique_status WHERE technique_id = ?").bind(.text(id))
                .first { $0.text(0) }
            if let status = stored.flatMap(TechniqueStatus.init(rawValue:)) { out[id] = status }
        }
        return out
    }
}

/// The column lists and row mappings of `SQLTestRepository`, shared by both dialects.
enum SQLTestRows {
    static let columns = """
        id, version, technique_id, name, procedure, platform, executor, command, expected_detection, assignees, blind,
        state, procedure_id, template_id, retest_of,
        red_outcome, attack_started_at, attack_stopped_at, red_commands, red_notes, red_submitted_at, red_submitted_by,
        prevented, alerted, alert_severity, logged, detected_at, detecting_tools, blue_notes, blue_submitted_at,
        blue_submitted_by, outcome, red_approved_by, red_approved_at, blue_approved_by, blue_approved_at,
        rejected_side, rejected_reason, rejected_by, rejected_at, started_at, running_since, active_seconds,
        validated_at, cancelled_at, cancel_reason, reopen_reason, remediation_owner, remediation_due_at, remediated_at,
        created_at, created_by, updated_at, targets, source_ref
        """
    static let columnCount = 55

    static func test(_ r: some SQLRow) -> TestCase {
        func date(_ i: Int32) -> Date? { r.optionalInt(i).map(StoreTime.date) }
        var t = TestCase(
            id: r.text(0), version: Int(r.int(1)), techniqueID: r.text(2), name: r.text(3), procedure: r.text(4),
            platform: r.text(5), executor: r.text(6), command: r.text(7), expectedDetection: r.text(8),
            assignees: StringList.decode(r.text(9)), targets: StringList.decode(r.text(53)), blind: r.bool(10), state: TestState(rawValue: r.text(11)) ?? .draft,
            procedureID: r.text(12), templateID: r.optionalText(13), retestOf: r.optionalText(14),
            sourceRef: r.optionalText(54), createdAt: StoreTime.date(r.int(50)), createdBy: r.text(51))
        if let outcome = r.optionalText(15).flatMap(RedResult.Outcome.init(rawValue:)), let at = date(20) {
            t.red = RedResult(
                outcome: outcome, attackStartedAt: date(16), attackStoppedAt: date(17),
                commands: StringList.decode(r.optionalText(18) ?? ""), notes: r.optionalText(19) ?? "", submittedAt: at,
                submittedBy: r.optionalText(21) ?? "")
        }
        if let prevented = r.optionalText(22).flatMap(BlueResult.Prevention.init(rawValue:)), let at = date(29) {
            t.blue = BlueResult(
                prevented: prevented, alerted: r.bool(23),
                alertSeverity: r.optionalText(24).flatMap(BlueResult.Severity.init(rawValue:)), logged: r.bool(25),
                detectedAt: date(26), detectingTools: StringList.decode(r.optionalText(27) ?? ""),
                notes: r.optionalText(28) ?? "", submittedAt: at, submittedBy: r.optionalText(30) ?? "")
        }
        t.outcome = r.optionalText(31).flatMap(TestOutcome.init(rawValue:))
        if let by = r.optionalText(32), let at = date(33) { t.redApproval = Approval(by: by, at: at) }
        if let by = r.optionalText(34), let at = date(35) { t.blueApproval = Approval(by: by, at: at) }
        if let side = r.optionalText(36).flatMap(TeamSide.init(rawValue:)), let at = date(39) {
            t.lastRejection = Rejection(side: side, reason: r.optionalText(37) ?? "", by: r.optionalText(38) ?? "", at: at)
        }
        t.startedAt = date(40)
        t.runningSince = date(41)
        t.activeSeconds = r.double(42)
        t.validatedAt = date(43)
        t.cancelledAt = date(44)
        t.cancelReason = r.optionalText(45)
        t.reopenReason = r.optionalText(46)
        t.remediation = Remediation(owner: r.optionalText(47), dueAt: date(48), doneAt: date(49))
        t.updatedAt = StoreTime.date(r.int(52))
        return t
    }

    static func values(_ t: TestCase) -> [SQLValue] {
        [
            .text(t.id), .int(t.version), .text(t.techniqueID), .text(t.name), .text(t.procedure), .text(t.platform),
            .text(t.executor), .text(t.command), .text(t.expectedDetection), .text(StringList.encode(t.assignees)),
            .bool(t.blind), .text(t.state.rawValue), .text(t.procedureID), .optional(t.templateID), .optional(t.retestOf),
            .optional(t.red?.outcome.rawValue), StoreTime.value(t.red?.attackStartedAt),
            StoreTime.value(t.red?.attackStoppedAt), .optional(t.red.map { StringList.encode($0.commands) }),
            .optional(t.red?.notes), StoreTime.value(t.red?.submittedAt), .optional(t.red?.submittedBy),
            .optional(t.blue?.prevented.rawValue), t.blue.map { .bool($0.alerted) } ?? .null,
            .optional(t.blue?.alertSeverity?.rawValue), t.blue.map { .bool($0.logged) } ?? .null,
            StoreTime.value(t.blue?.detectedAt), .optional(t.blue.map { StringList.encode($0.detectingTools) }),
            .optional(t.blue?.notes), StoreTime.value(t.blue?.submittedAt), .optional(t.blue?.submittedBy),
            .optional(t.outcome?.rawValue), .optional(t.redApproval?.by), StoreTime.value(t.redApproval?.at),
            .optional(t.blueApproval?.by), StoreTime.value(t.blueApproval?.at), .optional(t.lastRejection?.side.rawValue),
            .optional(t.lastRejection?.reason), .optional(t.lastRejection?.by), StoreTime.value(t.lastRejection?.at),
            StoreTime.value(t.startedAt), StoreTime.value(t.runningSince), .double(t.activeSeconds),
            StoreTime.value(t.validatedAt), StoreTime.value(t.cancelledAt), .optional(t.cancelReason),
            .optional(t.reopenReason), .optional(t.remediation.owner), StoreTime.value(t.remediation.dueAt),
            StoreTime.value(t.remediation.doneAt), .int(StoreTime.micros(t.createdAt)), .text(t.createdBy),
            .int(StoreTime.micros(t.updatedAt)), .text(StringList.encode(t.targets)), .optional(t.sourceRef),
        ]
    }

    static let placeholders = Array(repeating: "?", count: columnCount).joined(separator: ", ")
    /// Columns set once at creation. An update leaves them out of its SET
    /// list, so that SQLite leaves the indexes on them alone.
    static let fixedColumns: Set<String> = [
        "id", "technique_id", "procedure_id", "template_id", "retest_of", "created_at", "created_by", "source_ref",
    ]
    static let columnNames = columns.split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    static let changeable = columnNames.indices.filter { !fixedColumns.contains(columnNames[$0]) }
    static let assignments = changeable.map { "\(columnNames[$0]) = ?" }.joined(separator: ", ")
}
