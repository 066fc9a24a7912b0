import AegisDomain
import Foundation

/// The embedded store: one SQLite file. Each session (one per worker) reads
/// on its own connection; writes share one connection and commit together
/// (group commit), so `synchronous=FULL` costs one fsync per batch rather
/// than per mutation.
public final class SQLiteStore: StoreProvider {
    public let path: String
    public var kind: String { "sqlite" }
    let writer: GroupCommitWriter<SQLiteConnection>
    let writers: WriterPool<SQLiteConnection>

    let checkpointer: Checkpointer

    /// Opens the database at `path`, creating it and applying pending
    /// migrations in one transaction. After every commit that appended
    /// events, `beforeReply` runs before the writers are answered and
    /// `afterCommit` after, both with the events, in `seq` order.
    public init(
        path: String, beforeReply: @escaping @Sendable ([StoredEvent]) -> Void = { _ in },
        afterCommit: @escaping @Sendable ([StoredEvent]) -> Void = { _ in }
    ) throws {
        self.path = path
        let connection = try SQLiteConnection(path: path)
        try MigrationRunner(connection: connection).migrate()
        // Checkpoints run on a thread of their own, not in the writer's commits.
        try connection.execute("PRAGMA wal_autocheckpoint = 0")
        var batchesSinceCheckpoint = 0
        writer = GroupCommitWriter(
            connection: connection, beforeReply: beforeReply, afterCommit: afterCommit,
            afterBatch: { connection, _ in
                batchesSinceCheckpoint += 1
                guard batchesSinceCheckpoint >= 300 else { return [] }
                // The checkpointer thread has copied the log into the
                // database; a passive checkpoint here finds next to nothing
                // left to copy, and lets the next transaction start the log
                // from its beginning (an append-only log grows without end,
                // and appends sync slower).
                batchesSinceCheckpoint = 0
                try? connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                return []
            })
        checkpointer = Checkpointer(path: path)
        writers = WriterPool([writer])
        writer.start()
        checkpointer.start()
    }

    deinit {
        writer.stop()
        checkpointer.stop()
    }

    public func openSession() throws -> any StoreSession {
        SQLSession(connection: try SQLiteConnection(path: path), writer: writers)
    }

    /// Stops the writer thread once the writes already submitted are done.
    public func close() {
        writer.stop()
        checkpointer.stop()
    }
}
