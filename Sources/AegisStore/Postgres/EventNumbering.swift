import AegisDomain

/// Numbers the events PostgreSQL writers left in `pending_events`: one
/// short sequencing transaction at a time per deployment (an advisory
/// lock), sent in one round trip. It moves them into `events` with the
/// numbers after `event_counter`, advances the counter, and notifies every
/// instance with the last `seq` numbered and who numbered it
/// (`Notification`).
enum EventNumbering {
    /// Numbers every pending event committed so far, oldest first; returns
    /// them numbered, in `seq` order. A round that finds nothing writes
    /// nothing, so it costs no disk flush. Runs outside any other
    /// transaction. `numberer` names the instance in the notification.
    static func numberPending(on connection: PostgresConnection, numberer: String) throws -> [StoredEvent] {
        var numbered: [StoredEvent] = []
        let statement = try connection.prepare(sql)
        while true {
            connection.executeLater("BEGIN")
            connection.executeLater("SELECT pg_advisory_xact_lock(\(AdvisoryLock.sequencing.keys))")
            do {
                let rows = try connection.runAndCommit(prepared: statement.name, [.text(numberer)])
                var round: [StoredEvent] = []
                round.reserveCapacity(rows.count)
                for index in 0..<rows.count {
                    round.append(SQLEventRepository<PostgresConnection>.event(PostgresRow(result: rows, index: Int32(index))))
                }
                numbered += round
                if round.count < batch { return numbered }
            } catch {
                connection.rollback()
                // Rounds already committed are handed on; the rest wait
                // for the listener's poll.
                if !numbered.isEmpty { return numbered }
                throw error
            }
        }
    }

    /// At most this many events per transaction.
    static let batch = 1000

    /// Moves up to `batch` pending events into `events` with the numbers
    /// after `event_counter`, advances it, and (only when something moved)
    /// notifies the listeners; returns the events moved.
    /// The events of one transaction (`xmin`) stay together, in the order
    /// they were appended, even when two writers' inserts interleaved their
    /// ids.
    private static var sql: String {
        """
        WITH moved AS (
            DELETE FROM pending_events WHERE id IN (SELECT id FROM pending_events ORDER BY id LIMIT \(batch))
                AND EXISTS (SELECT 1 FROM event_counter WHERE id = 1)
            RETURNING id, xmin::text AS xact, type, occurred_at, source, actor, subject_kind, subject_id, payload
        ), grouped AS (
            SELECT moved.*, min(id) OVER (PARTITION BY xact) AS first_id FROM moved
        ), last AS (
            SELECT last_seq FROM event_counter WHERE id = 1
        ), numbered AS (
            INSERT INTO events (seq, type, occurred_at, source, actor, subject_kind, subject_id, payload)
            SELECT last.last_seq + row_number() OVER (ORDER BY grouped.first_id, grouped.id), type, occurred_at,
                source, actor, subject_kind, subject_id, payload
            FROM grouped, last
            RETURNING seq, type, occurred_at, source, actor, subject_kind, subject_id, payload
        ), advanced AS (
            UPDATE event_counter SET last_seq = (SELECT max(seq) FROM numbered)
            WHERE id = 1 AND EXISTS (SELECT 1 FROM numbered)
            RETURNING pg_notify('\(CommitListener.channel)', last_seq::text || ' ' || ?)
        )
        SELECT numbered.* FROM numbered, (SELECT count(*) FROM advanced) AS notified ORDER BY seq
        """
    }
}

extension EventNumbering {
    /// What a numbering transaction tells every instance: the last `seq`
    /// it numbered, and which instance numbered (that one hands the events
    /// to its publisher itself).
    struct Notification: Equatable {
        var lastSeq: Int64
        var numberer: String

        /// Reads a payload `<seq> <numberer>`; nil when it is not one.
        init?(payload: String) {
            guard let space = payload.firstIndex(of: " "), let seq = Int64(payload[..<space]) else { return nil }
            lastSeq = seq
            numberer = String(payload[payload.index(after: space)...])
        }
    }
}
