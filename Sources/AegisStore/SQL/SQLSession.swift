import AegisDomain

/// A worker's session: reads on its own connection, writes through the
/// store's writer.
final class SQLSession<DB: SQLDatabase>: StoreSession {
    let connection: DB
    private let writer: WriterPool<DB>

    init(connection: DB, writer: WriterPool<DB>) {
        self.connection = connection
        self.writer = writer
    }

    /// Runs `body` in a read-only transaction. A read that finds its
    /// connection lost (the server restarted since its last use) runs once
    /// more on a fresh one: reads can be repeated safely.
    func read<T>(_ body: (any Repositories) throws -> T) throws -> T {
        do {
            return try readOnce(body)
        } catch let error as any SQLDatabaseError where error.isConnectionLost {
            return try readOnce(body)
        }
    }

    private func readOnce<T>(_ body: (any Repositories) throws -> T) throws -> T {
        connection.rollback()
        try connection.ensureConnected()
        try connection.executeLater(connection.dialect.beginRead)
        do {
            let result = try body(SQLRepositories(db: connection, appended: EventRecorder()))
            try connection.prepare("COMMIT").run()
            return result
        } catch {
            connection.rollback()
            throw error
        }
    }

    func write<T>(_ body: (any Repositories) throws -> T) throws -> T {
        try writer.submit(body)
    }
}
