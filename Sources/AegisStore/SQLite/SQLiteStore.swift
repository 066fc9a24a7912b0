import AegisDomain
import Foundation

/// The embedded store: one SQLite file. Each session (one per worker) reads
/// on its own connection; writes share one connection and commit together
/// (group commit), so `synchronous=FULL` costs one fsync per batch rather
/// than per mutation.
public final class SQLiteStore: StoreProvider {
    public let path: String
    public var kind: String { "sqlite" }
    let writer: GroupCommitWriter

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
        writer = GroupCommitWriter(connection: connection, beforeReply: beforeReply, afterCommit: afterCommit)
        checkpointer = Checkpointer(path: path)
        writer.start()
        checkpointer.start()
    }

    deinit {
        writer.stop()
        checkpointer.stop()
    }

    public func openSession() throws -> any StoreSession {
        SQLiteSession(connection: try SQLiteConnection(path: path), writer: writer)
    }

    /// Stops the writer thread once the writes already submitted are done.
    public func close() {
        writer.stop()
        checkpointer.stop()
    }

    /// Schema versions applied, ascending.
    public func appliedMigrations() throws -> [Int] {
        let connection = try SQLiteConnection(path: path)
        return try connection.prepare("SELECT version FROM schema_migrations ORDER BY version").rows { Int($0.int(0)) }
    }
}

/// Repositories bound to one connection. `events` records the types it
/// appends, so the writer can announce them after the commit.
struct SQLiteRepositories: Repositories {
    let db: SQLiteConnection
    let appended: EventRecorder

    var catalog: any CatalogRepository { SQLiteCatalogRepository(db: db) }
    var apiKeys: any APIKeyRepository { SQLiteAPIKeyRepository(db: db) }
    var events: any EventRepository { SQLiteEventRepository(db: db, appended: appended) }
    var users: any UserRepository { SQLiteUserRepository(db: db) }
    var tests: any TestRepository { SQLiteTestRepository(db: db) }
    var templates: any TemplateRepository { SQLiteTemplateRepository(db: db) }
    var evidence: any EvidenceRepository { SQLiteEvidenceRepository(db: db) }
    var audit: any AuditRepository { SQLiteAuditRepository(db: db) }
    var notifications: any NotificationRepository { SQLiteNotificationRepository(db: db) }
}

/// The events one unit of work appended, as they will be published.
final class EventRecorder {
    var events: [StoredEvent] = []
}

/// A worker's session: reads on its own connection, writes through the
/// store's writer.
final class SQLiteSession: StoreSession {
    let connection: SQLiteConnection
    private let writer: GroupCommitWriter

    init(connection: SQLiteConnection, writer: GroupCommitWriter) {
        self.connection = connection
        self.writer = writer
    }

    func read<T>(_ body: (any Repositories) throws -> T) throws -> T {
        try connection.prepare("BEGIN").run()
        do {
            let result = try body(SQLiteRepositories(db: connection, appended: EventRecorder()))
            try connection.prepare("COMMIT").run()
            return result
        } catch {
            try? connection.prepare("ROLLBACK").run()
            throw error
        }
    }

    func write<T>(_ body: (any Repositories) throws -> T) throws -> T {
        try writer.submit(body)
    }
}
