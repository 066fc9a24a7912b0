import AegisDomain
import Foundation

/// The event outbox on SQLite. `seq` is an AUTOINCREMENT key: assigned in
/// the writer's transaction, so committed events have no gaps.
struct SQLiteEventRepository: EventRepository {
    let db: SQLiteConnection
    let appended: EventRecorder

    func append(_ event: DomainEvent, source: String, at time: Date) throws -> Int64 {
        let payload = Value.map(event.payload).jsonText
        try db.prepare(
            """
            INSERT INTO events (type, occurred_at, source, actor, subject_kind, subject_id, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            .text(event.type), .int(StoreTime.micros(time)), .text(source), .optional(event.actor),
            .text(event.subject.kind), .text(event.subject.id), .text(payload)
        ).run()
        let seq = db.lastInsertRowID
        // As stored (whole microseconds), so published and replayed events agree.
        let occurredAt = StoreTime.date(StoreTime.micros(time))
        appended.events.append(StoredEvent(seq: seq, occurredAt: occurredAt, source: source, event: event))
        return seq
    }

    func events(after: Int64, limit: Int) throws -> [StoredEvent] {
        try db.prepare(
            """
            SELECT seq, type, occurred_at, source, actor, subject_kind, subject_id, payload
            FROM events WHERE seq > ? ORDER BY seq LIMIT ?
            """
        ).bind(.int(after), .int(limit)).rows { row in
            let payload = Value(storedJSON: row.text(7))?.mapValue ?? [:]
            return StoredEvent(
                seq: row.int(0), occurredAt: StoreTime.date(row.int(2)), source: row.text(3),
                event: DomainEvent(
                    type: row.text(1), subject: .init(kind: row.text(5), id: row.text(6)), actor: row.optionalText(4),
                    payload: payload))
        }
    }

    func lastSeq() throws -> Int64 {
        try db.prepare("SELECT coalesce(max(seq), 0) FROM events").first { $0.int(0) } ?? 0
    }

    func publishedSeq(instance: String) throws -> Int64 {
        try db.prepare("SELECT published_seq FROM event_publication WHERE instance = ?").bind(.text(instance))
            .first { $0.int(0) } ?? 0
    }

    func recordPublished(instance: String, seq: Int64) throws {
        try db.prepare(
            """
            INSERT INTO event_publication (instance, published_seq) VALUES (?, ?)
            ON CONFLICT (instance) DO UPDATE SET published_seq = excluded.published_seq
            """
        ).bind(.text(instance), .int(seq)).run()
    }
}
