import Foundation
import Logging
import Synchronization

/// Wakes this instance when any instance of the deployment numbers events:
/// each numbering transaction sends `NOTIFY aegis_events`, and this thread
/// `LISTEN`s on a connection of its own. It also fires every
/// `pollInterval` and after reconnecting, so a missed notification delays
/// an event by at most that long, and at that pace it numbers events left
/// pending by a writer that lost its connection after its commit.
final class CommitListener: @unchecked Sendable {
    static let channel = "aegis_events"

    private let url: String
    private let onCommit: @Sendable () -> Void
    private let logger: Logger
    private let pollInterval: Duration
    private let stopped = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)

    init(url: String, pollInterval: Duration = .seconds(1), logger: Logger, onCommit: @escaping @Sendable () -> Void) {
        self.url = url
        self.pollInterval = pollInterval
        self.logger = logger
        self.onCommit = onCommit
    }

    func start() {
        let thread = Thread { [self] in
            self.run()
            self.finished.signal()
        }
        thread.name = "aegis-listener"
        thread.start()
    }

    func stop() {
        stopped.withLock { $0 = true }
        finished.wait()
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    private func run() {
        var connection: PostgresConnection?
        var lastFired = ContinuousClock.now
        let sliceMS: Int32 = 100
        while !isStopped {
            do {
                if connection == nil {
                    let fresh = try PostgresConnection(url: url, connectTimeout: 2)
                    try fresh.execute("LISTEN \(Self.channel)")
                    connection = fresh
                    // Whatever was committed while not listening.
                    onCommit()
                    lastFired = .now
                }
                let channels = try connection?.waitForNotifications(timeoutMS: sliceMS) ?? []
                if ContinuousClock.now - lastFired >= pollInterval, let connection {
                    // Events a writer committed but could not number (it
                    // lost its connection right after the commit).
                    _ = try SQLEventRepository<PostgresConnection>.numberPending(
                        db: connection, lock: AdvisoryLock.sequencing.keys)
                }
                if !channels.isEmpty || ContinuousClock.now - lastFired >= pollInterval {
                    onCommit()
                    lastFired = .now
                }
            } catch {
                if connection != nil {
                    logger.warning("lost the PostgreSQL listener connection; reconnecting", metadata: ["error": "\(error)"])
                }
                connection = nil
                onCommit()
                lastFired = .now
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
    }
}
