import AegisDomain
import Foundation
import Synchronization

/// The embedded store: one SQLite file, a connection per session (one per
/// worker), writes serialised by a process-wide lock so writers never spin
/// on SQLite's busy handler.
public final class SQLiteStore: StoreProvider {
    public let path: String
    public var kind: String { "sqlite" }
    private let afterCommit: @Sendable () -> Void
    let writer = WriterGate()

    /// Opens the database at `path`, creating it and applying pending
    /// migrations in one transaction. `afterCommit` runs after every write
    /// transaction that appended events (the publisher's wake-up).
    public init(path: String, afterCommit: @escaping @Sendable () -> Void = {}) throws {
        self.path = path
        self.afterCommit = afterCommit
        let connection = try SQLiteConnection(path: path)
        try MigrationRunner(connection: connection).migrate()
    }

    public func openSession() throws -> any StoreSession {
        SQLiteSession(connection: try SQLiteConnection(path: path), store: self)
    }

    /// Schema versions applied, ascending.
    public func appliedMigrations() throws -> [Int] {
        let connection = try SQLiteConnection(path: path)
        return try connection.prepare("SELECT version FROM schema_migrations ORDER BY version").rows { Int($0.int(0)) }
    }

    func notifyCommitted() { afterCommit() }
}

/// Serialises writers within the process.
final class WriterGate: Sendable {
    private let lock = Mutex(())
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock { _ in try body() }
    }
}

/// A worker's session on the embedded store.
final class SQLiteSession: StoreSession, Repositories {
    let connection: SQLiteConnection
    private let store: SQLiteStore
    private(set) var appendedEvents = false

    init(connection: SQLiteConnection, store: SQLiteStore) {
        self.connection = connection
        self.store = store
    }

    var catalog: any CatalogRepository { SQLiteCatalogRepository(db: connection) }
    var apiKeys: any APIKeyRepository { SQLiteAPIKeyRepository(db: connection) }
    var events: any EventRepository { SQLiteEventRepository(db: connection, session: self) }

    func markEventAppended() { appendedEvents = true }

    func read<T>(_ body: (any Repositories) throws -> T) throws -> T {
        try connection.prepare("BEGIN").run()
        do {
            let result = try body(self)
            try connection.prepare("COMMIT").run()
            return result
        } catch {
            try? connection.prepare("ROLLBACK").run()
            throw error
        }
    }

    func write<T>(_ body: (any Repositories) throws -> T) throws -> T {
        let (result, published) = try store.writer.withLock { () throws -> (T, Bool) in
            appendedEvents = false
            try connection.prepare("BEGIN IMMEDIATE").run()
            do {
                let result = try body(self)
                try connection.prepare("COMMIT").run()
                return (result, appendedEvents)
            } catch {
                try? connection.prepare("ROLLBACK").run()
                throw error
            }
        }
        if published { store.notifyCommitted() }
        return result
    }
}
