import AegisDomain
import Foundation

/// The event outbox in SQL. `append` only records the event: the writer
/// numbers and inserts a batch's events just before its commit
/// (`insertNumbered`), taking the numbers from `event_counter`, so
/// committed events have no gaps and come in commit order.
struct SQLEventRepository<DB: SQLDatabase>: EventRepository {
    let db: DB
    let appended: EventRecorder

    func append(_ event: DomainEvent, source: String, at time: Date) throws {
        // As stored (whole microseconds), so published and replayed events agree.
        let occurredAt = StoreTime.date(StoreTime.micros(time))
        appended.events.append(StoredEvent(seq: 0, occurredAt: occurredAt, source: source, event: event))
    }

    /// Numbers `events` after the last `seq` handed out and inserts them;
    /// returns them with their numbers. Runs in the committing transaction:
    /// the counter row stays locked until it ends.
    static func insertNumbered(_ events: [StoredEvent], db: DB) throws -> [StoredEvent] {
        guard !events.isEmpty else { return [] }
        guard
            let last = try db.prepare(db.dialect.takeEventNumbers).bind(.int(events.count)).first({ $0.int(0) })
        else { throw AegisError(.internal, "the event counter is missing") }
        var numbered = events
        for index in numbered.indices { numbered[index].seq = last - Int64(events.count) + 1 + Int64(index) }
        // Several rows per statement: one round trip for up to 16 events.
        var start = numbered.startIndex
        while start < numbered.endIndex {
            let rows = numbered[start..<min(start + 16, numbered.endIndex)]
            try db.prepare(insertSQL(rows: rows.count)).bind(rows.flatMap(values)).run()
            start += rows.count
        }
        return numbered
    }

    private static func insertSQL(rows: Int) -> String {
        "INSERT INTO events (seq, type, occurred_at, source, actor, subject_kind, subject_id, payload) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    private static func values(_ e: StoredEvent) -> [SQLValue] {
        [
            .int(e.seq), .text(e.event.type), .int(StoreTime.micros(e.occurredAt)), .text(e.source),
            .optional(e.event.actor), .text(e.event.subject.kind), .text(e.event.subject.id),
            .text(Value.map(e.event.payload).jsonText),
        ]
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
        try db.prepare("SELECT last_seq FROM event_counter WHERE id = 1").first { $0.int(0) } ?? 0
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
