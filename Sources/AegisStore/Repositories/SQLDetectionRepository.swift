import AegisDomain
import Foundation

/// Detections in SQL, with a row per technique for filters and coverage.
struct SQLDetectionRepository<DB: SQLDatabase>: DetectionRepository {
    let db: DB

    func insert(_ detections: [Detection]) throws -> Set<String> {
        // In id order, so two instances inserting the same detections take
        // the unique index's locks in one order (no deadlock on PostgreSQL).
        let detections = detections.sorted { $0.id < $1.id }
        var stored = Set<String>()
        var start = 0
        let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        while start < detections.count {
            let chunk = detections[start..<min(start + 100, detections.count)]
            let ids = try db.prepare(
                """
                INSERT INTO detections (id, source, rule_id, rule_revision, rule_format, technique_ids, tactic_ids,
                    confidence, level, event_id, host, occurred_at, detected_at, evidence)
                VALUES \(Array(repeating: row, count: chunk.count).joined(separator: ", "))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """
            ).bind(chunk.flatMap(Self.values)).rows { $0.text(0) }
            stored.formUnion(ids)
            start += chunk.count
        }
        let links = detections.filter { stored.contains($0.id) }.flatMap { d in
            d.techniqueIDs.map { [SQLValue.text($0), .int(StoreTime.micros(d.occurredAt)), .text(d.id)] }
        }
        try db.insertRows(
            "detection_techniques (technique_id, occurred_at, detection_id)", columns: 3, links,
            suffix: " ON CONFLICT DO NOTHING")
        return stored
    }

    func detection(id: String) throws -> Detection? {
        try db.prepare("\(Self.select) WHERE d.id = ?").bind(.text(id)).first(Self.detection)
    }

    func detections(matching query: DetectionQuery) throws -> [Detection] {
        var filter = SQLFilter()
        if let technique = query.techniqueID {
            filter.add(
                "EXISTS (SELECT 1 FROM detection_techniques t WHERE t.detection_id = d.id AND t.technique_id = ?)",
                .text(technique))
        }
        if let rule = query.ruleID { filter.add("d.rule_id = ?", .text(rule)) }
        if let host = query.host { filter.add(db.dialect.equalsIgnoringCase("d.host"), .text(host)) }
        if let since = query.since { filter.add("d.occurred_at >= ?", .int(StoreTime.micros(since))) }
        if let until = query.until { filter.add("d.occurred_at < ?", .int(StoreTime.micros(until))) }
        if let min = query.minConfidence { filter.add("d.confidence >= ?", .int(min)) }
        if let after = query.after {
            let t = SQLValue.int(StoreTime.micros(after.occurredAt))
            filter.add("(d.occurred_at < ? OR (d.occurred_at = ? AND d.id < ?))", t, t, .text(after.id))
        }
        return try db.prepare("\(Self.select) \(filter.clause) ORDER BY d.occurred_at DESC, d.id DESC LIMIT ?")
            .bind(filter.values + [.int(query.limit)]).rows(Self.detection)
    }

    static var select: String {
        """
        SELECT d.id, d.source, d.rule_id, d.rule_revision, d.rule_format, d.technique_ids, d.tactic_ids, d.confidence,
            d.level, d.event_id, d.host, d.occurred_at, d.detected_at, d.evidence FROM detections d
        """
    }

    static func values(_ d: Detection) -> [SQLValue] {
        [
            .text(d.id), .text(d.source), .text(d.ruleID), .int(d.ruleRevision), .text(d.ruleFormat.rawValue),
            .text(StringList.encode(d.techniqueIDs)), .text(StringList.encode(d.tacticIDs)), .int(d.confidence),
            .optional(d.level), .optional(d.eventID), .optional(d.host), .int(StoreTime.micros(d.occurredAt)),
            .int(StoreTime.micros(d.detectedAt)), .text(Value.map(d.evidence).jsonText),
        ]
    }

    static func detection(_ row: some SQLRow) -> Detection {
        Detection(
            id: row.text(0), source: row.text(1), ruleID: row.text(2), ruleRevision: row.int(3),
            ruleFormat: RuleFormat(rawValue: row.text(4)) ?? .sigma, techniqueIDs: StringList.decode(row.text(5)),
            tacticIDs: StringList.decode(row.text(6)), confidence: Int(row.int(7)), level: row.optionalText(8),
            eventID: row.optionalText(9), host: row.optionalText(10), occurredAt: StoreTime.date(row.int(11)),
            detectedAt: StoreTime.date(row.int(12)), evidence: Value(storedJSON: row.text(13))?.mapValue ?? [:])
    }
}
