import AegisDomain
import Foundation

/// The event outbox in SQL. `append` only records the event; the writer
/// stores a batch's events just before its commit (`store`):
///
/// - on SQLite, numbered at once from `event_counter`, inside the one
///   writer's transaction;
/// - on PostgreSQL, into `pending_events`, so that writers commit side by
///   side; `EventNumbering` then moves them into `events` with the next
///   numbers, one sequencing transaction at a time per deployment (an
///   advisory lock), and notifies every instance.
///
/// Either way `seq` has no gaps, and an event numbered later was committed
/// no earlier than one numbered before it, so `events.replay` after a seq a
/// client has seen returns everything it has not.
struct SQLEventRepository<DB: SQLDatabase>: EventRepository {
    let db: DB
    let appended: EventRecorder

    func append(_ event: DomainEvent, source: String, at time: Date) throws {
        // As stored (whole microseconds), so published and replayed events agree.
        let occurredAt = StoreTime.date(StoreTime.micros(time))
        appended.events.append(StoredEvent(seq: 0, occurredAt: occurredAt, source: source, event: event))
    }

    /// Stores a batch's `events` in the committing transaction; returns
    /// them numbered (SQLite), or nothing when they are numbered after the
    /// commit (PostgreSQL: see `EventNumbering`).
    static func store(_ events: [StoredEvent], db: DB) throws -> [StoredEvent] {
        guard !events.isEmpty else { return [] }
        if db.dialect.numbersEventsAfterCommit {
            try insert(events, into: "pending_events", numbered: false, db: db)
            return []
        }
        guard
            let last = try db.prepare("UPDATE event_counter SET last_seq = last_seq + ? WHERE id = 1 RETURNING last_seq")
                .bind(.int(events.count)).first({ $0.int(0) })
        else { throw AegisError(.internal, "the event counter is missing") }
        var numbered = events
        for index in numbered.indices { numbered[index].seq = last - Int64(events.count) + 1 + Int64(index) }
        try insert(numbered, into: "events", numbered: true, db: db)
        return numbered
    }

    /// Several rows per statement: one round trip for up to 16 events.
    private static func insert(_ events: [StoredEvent], into table: String, numbered: Bool, db: DB) throws {
        let columns = (numbered ? "seq, " : "") + "type, occurred_at, source, actor, subject_kind, subject_id, payload"
        let row = "(" + Array(repeating: "?", count: numbered ? 8 : 7).joined(separator: ", ") + ")"
        var start = events.startIndex
        while start < events.endIndex {
            let rows = events[start..<min(start + 16, events.endIndex)]
            let sql = "INSERT INTO \(table) (\(columns)) VALUES " + Array(repeating: row, count: rows.count).joined(separator: ", ")
            try db.prepare(sql).bind(rows.flatMap { values($0, numbered: numbered) }).runLater()
            start += rows.count
        }
    }

    private static func values(_ e: StoredEvent, numbered: Bool) -> [SQLValue] {
        (numbered ? [.int(e.seq)] : [])
            + [
                .text(e.event.type.rawValue), .int(StoreTime.micros(e.occurredAt)), .text(e.source), .optional(e.event.actor),
                .text(e.event.subject.kind), .text(e.event.subject.id), .text(Value.map(e.event.payload).jsonText),
            ]
    }

    func events(after: Int64, limit: Int) throws -> [StoredEvent] {
        try db.prepare(
            """
            SELECT seq, type, occurred_at, source, actor, subject_kind, subject_id, payload
            FROM events WHERE seq > ? ORDER BY seq LIMIT ?
            """
        ).bind(.int(after), .int(limit)).rows(Self.event)
    }

    /// An event from the columns seq, type, occurred_at, source, actor,
    /// subject_kind, subject_id, payload.
    static func event(_ row: some SQLRow) -> StoredEvent {
        let payload = Value(storedJSON: row.text(7))?.mapValue ?? [:]
        return StoredEvent(
            seq: row.int(0), occurredAt: StoreTime.date(row.int(2)), source: row.text(3),
            event: DomainEvent(
                type: EventType(rawValue: row.text(1)), subject: .init(kind: row.text(5), id: row.text(6)), actor: row.optionalText(4),
                payload: payload))
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
