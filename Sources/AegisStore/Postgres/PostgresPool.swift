import AegisDomain
import Foundation

/// A few PostgreSQL connections shared by threads: each call borrows one,
/// opening it on first need, and gives it back for the next. At most
/// `capacity` are open; a caller beyond that waits for one to come back.
final class PostgresPool: @unchecked Sendable {
    private let url: String
    private let capacity: Int
    private let waitLimit: TimeInterval
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0

    /// Connects to `url` lazily; `waitLimit` bounds the wait for a free
    /// connection (then `UNAVAILABLE`).
    init(url: String, capacity: Int = 4, waitLimit: TimeInterval = 30) {
        self.url = url
        self.capacity = max(1, capacity)
        self.waitLimit = waitLimit
    }

    /// Runs `body` on a borrowed connection. When the connection turns out
    /// to be lost (say the server restarted while it sat idle), reconnects
    /// and runs `body` once more, so `body` must be safe to repeat.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try borrow()
        defer { giveBack(connection) }
        try connection.ensureConnected()
        do {
            return try body(connection)
        } catch let error as PostgresError where error.isConnectionLost {
            try connection.ensureConnected()
            return try body(connection)
        }
    }

    /// The server processes of the idle connections (for tests that end them).
    var idleBackendPIDs: [Int32] {
        condition.lock()
        defer { condition.unlock() }
        return idle.map(\.backendPID)
    }

    private func borrow() throws -> PostgresConnection {
        condition.lock()
        let deadline = Date(timeIntervalSinceNow: waitLimit)
        while idle.isEmpty && open >= capacity {
            guard condition.wait(until: deadline) else {
                condition.unlock()
                throw AegisError.unavailable("every blob store connection is busy; retry")
            }
        }
        if let connection = idle.popLast() {
            condition.unlock()
            return connection
        }
        open += 1
        condition.unlock()
        do {
            return try PostgresConnection(url: url)
        } catch {
            release(keeping: nil)
            throw error
        }
    }

    /// Keeps `connection` for the next caller unless it is lost or stuck
    /// in a transaction, in which case it is closed.
    private func giveBack(_ connection: PostgresConnection) {
        if connection.isConnected && !connection.isAutocommit { try? connection.execute("ROLLBACK") }
        release(keeping: connection.isConnected && connection.isAutocommit ? connection : nil)
    }

    private func release(keeping connection: PostgresConnection?) {
        condition.lock()
        if let connection { idle.append(connection) } else { open -= 1 }
        condition.signal()
        condition.unlock()
    }
}
