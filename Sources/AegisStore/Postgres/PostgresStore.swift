import AegisDomain
import Foundation
import Logging

/// The store on PostgreSQL, for deployments that outgrow one machine and
/// for several aegisd sharing one database.
///
/// The same repositories, migrations and group-commit writer as SQLite:
/// each session (one per worker) reads on its own connection; writes go
/// through this instance's writer connection, a batch per transaction. The
/// events of a batch are numbered from `event_counter` just before the
/// commit, so `seq` is one gapless sequence for the whole deployment, in
/// commit order, and the commit notifies every instance's `CommitListener`.
public final class PostgresStore: StoreProvider {
    public var kind: String { "postgresql" }
    let url: String
    let writers: WriterPool<PostgresConnection>
    private let listener: CommitListener
    private let election: LeaderElection

    /// Connects, applies pending migrations (one instance at a time), and
    /// starts `writerCount` writers, each on a connection of its own. `beforeReply` and `afterCommit` run around this
    /// instance's commits, as for SQLite; `onAnyCommit` runs on the listener
    /// thread whenever any instance may have committed events.
    public init(
        url: String, writerCount: Int = 4, logger: Logger = Logger(label: "aegis.store"),
        beforeReply: @escaping @Sendable ([StoredEvent]) -> Void = { _ in },
        afterCommit: @escaping @Sendable ([StoredEvent]) -> Void = { _ in },
        onAnyCommit: @escaping @Sendable () -> Void = {}
    ) throws {
        self.url = url
        let connection = try PostgresConnection(url: url)
        try MigrationRunner(connection: connection).migrate()
        writers = WriterPool(
            try (0..<max(1, writerCount)).map { index in
                GroupCommitWriter(
                    connection: index == 0 ? connection : try PostgresConnection(url: url), beforeReply: beforeReply,
                    afterCommit: afterCommit)
            })
        listener = CommitListener(url: url, logger: logger, onCommit: onAnyCommit)
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

    /// Schema versions applied, ascending.
    public func appliedMigrations() throws -> [Int] {
        try MigrationRunner(connection: try PostgresConnection(url: url)).applied()
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
