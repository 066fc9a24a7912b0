import AegisDomain
import Foundation

/// Telemetry events in SQL. Ids are time-ordered (`evt_` then
/// `TimeOrderedID.timePart` of the receipt), so the purge cuts by id.
struct SQLTelemetryRepository<DB: SQLDatabase>: TelemetryRepository {
    let db: DB

    func insert(_ records: [TelemetryRecord]) throws {
        try db.insertRows(
            "telemetry_events (id, received_at, occurred_at, host, source, agent, size, body)", columns: 8,
            records.map {
                [
                    .text($0.id), .int(StoreTime.micros($0.receivedAt)), .int(StoreTime.micros($0.occurredAt)),
                    .optional($0.host), .optional($0.source), .optional($0.agent), .int($0.body.count), .blob($0.body),
                ]
            }, suffix: " ON CONFLICT (id) DO NOTHING")
    }

    func event(id: String) throws -> TelemetryRecord? {
        try db.prepare("\(Self.select) WHERE id = ?").bind(.text(id)).first(Self.record)
    }

    func events(since: Date, until: Date, after: (Date, String)?, limit: Int) throws -> [TelemetryRecord] {
        var filter = SQLFilter()
        filter.add("occurred_at >= ?", .int(StoreTime.micros(since)))
        filter.add("occurred_at < ?", .int(StoreTime.micros(until)))
        if let (time, id) = after {
            let t = SQLValue.int(StoreTime.micros(time))
            filter.add("(occurred_at > ? OR (occurred_at = ? AND id > ?))", t, t, .text(id))
        }
        return try db.prepare("\(Self.select) \(filter.clause) ORDER BY occurred_at, id LIMIT ?")
            .bind(filter.values + [.int(limit)]).rows(Self.record)
    }

    func purge(receivedBefore cutoff: Date, limit: Int) throws -> Int {
        let bound = "evt_" + TimeOrderedID.timePart(cutoff)
        return try db.prepare(
            "DELETE FROM telemetry_events WHERE id IN (SELECT id FROM telemetry_events WHERE id < ? ORDER BY id LIMIT ?)"
        ).bind(.text(bound), .int(limit)).run()
    }

    func totals() throws -> (events: Int64, bytes: Int64) {
        try db.prepare("SELECT count(*), coalesce(sum(size), 0) FROM telemetry_events").first { ($0.int(0), $0.int(1)) }
            ?? (0, 0)
    }

    static var select: String {
        "SELECT id, received_at, occurred_at, host, source, agent, body FROM telemetry_events"
    }

    static func record(_ row: some SQLRow) -> TelemetryRecord {
        TelemetryRecord(
            id: row.text(0), receivedAt: StoreTime.date(row.int(1)), occurredAt: StoreTime.date(row.int(2)),
            host: row.optionalText(3), source: row.optionalText(4), agent: row.optionalText(5), body: row.blob(6))
    }
}
