import AegisDomain
import Foundation
import Logging

/// The store on PostgreSQL, for deployments that outgrow one machine and
/// for several aegisd sharing one database.
///
/// The same repositories, migrations and group-commit writers as SQLite:
/// each session (one per worker) reads on its own connection; writes go
/// to one of this instance's writers (each on a connection of its own, a
/// batch per transaction), which commit side by side. A batch's events go
/// to `pending_events`; right after the commit, before its callers are
/// answered, a short sequencing transaction numbers them (and any other
/// writer's) from `event_counter`, one at a time per deployment, so `seq`
/// is one gapless sequence for the whole deployment, and notifies every
/// instance's `CommitListener`.
public final class PostgresStore: StoreProvider {
    public var kind: String { "postgresql" }
    let url: String
    let writers: WriterPool<PostgresConnection>
    let listener: CommitListener
    let election: LeaderElection

    /// Connects, applies pending migrations (one instance at a time), and
    /// starts `writerCount` writers, each on a connection of its own.
    /// `beforeReply` runs after each of this instance's commits that
    /// appended events, with those events not yet numbered (`seq` 0);
    /// `afterCommit` once they are numbered, with every event that round
    /// numbered (other writers' too, of any instance). `onAnyCommit` runs
    /// whenever another instance may have numbered events, with the last
    /// `seq` numbered when known (read them from the outbox then).
    public init(
        url: String, writerCount: Int = 4, logger: Logger = Logger(label: "aegis.store"),
        beforeReply: @escaping @Sendable ([StoredEvent]) -> Void = { _ in },
        afterCommit: @escaping @Sendable ([StoredEvent]) -> Void = { _ in },
        onAnyCommit: @escaping @Sendable (_ upTo: Int64?) -> Void = { _ in }
    ) throws {
        self.url = url
        let connection = try PostgresConnection(url: url)
        try MigrationRunner(connection: connection).migrate()
        // Events are numbered after each commit that appended some, before
        // its callers are answered, and handed on numbered. If numbering
        // fails, the listener's poll numbers them later.
        let numberer = UUID().uuidString
        let numberEvents: (PostgresConnection, Bool) -> [StoredEvent] = { connection, appended in
            guard appended else { return [] }
            return (try? EventNumbering.numberPending(on: connection, numberer: numberer)) ?? []
        }
        writers = WriterPool(
            try (0..<max(1, writerCount)).map { index in
                GroupCommitWriter(
                    connection: index == 0 ? connection : try PostgresConnection(url: url), beforeReply: beforeReply,
                    afterCommit: afterCommit, afterBatch: numberEvents)
            })
        listener = CommitListener(url: url, numberer: numberer, logger: logger, onCommit: onAnyCommit)
        election = LeaderElection(url: url, logger: logger)
        writers.start()
        listener.start()
        election.start()
    }

    deinit { close() }

    public func openSession() throws -> any StoreSession {
        SQLSession(connection: try PostgresConnection(url: url), writer: writers)
    }

    private let closed = ClosedFlag()

    /// Finishes the writes already submitted and stops the threads.
    public func close() {
        guard closed.set() else { return }
        election.stop()
        writers.stop()
        listener.stop()
    }

    public var isLeader: Bool { election.isLeader }

    /// Holds a session-level advisory lock on a connection of its own while
    /// `body` runs, so instances starting together take turns.
    public func exclusively<T>(_ body: () throws -> T) throws -> T {
        // However long the instance before takes (a catalog import).
        let connection = try PostgresConnection(url: url, statementTimeoutMS: 0)
        try connection.execute("SELECT pg_advisory_lock(\(AdvisoryLock.startup.keys))")
        defer { try? connection.execute("SELECT pg_advisory_unlock(\(AdvisoryLock.startup.keys))") }
        return try body()
    }
}

/// Set once; tells the first caller apart from later ones.
final class ClosedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    /// True for the first call only.
    func set() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if value { return false }
        value = true
        return true
    }
}
