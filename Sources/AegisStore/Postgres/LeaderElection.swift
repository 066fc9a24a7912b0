import Foundation
import Logging
import Synchronization

/// Picks one instance of a deployment to run scheduled jobs: the one whose
/// connection holds the deployment's leader advisory lock.
///
/// Each instance tries to take the lock every `interval` on a connection of
/// its own. The leader checks that connection at the same pace and stops
/// calling itself leader the moment the check fails; PostgreSQL releases
/// the lock when the connection ends (the process died, the backend was
/// terminated), and another instance takes it at its next try. So at most
/// one instance is leader at a time, and a new one follows within about
/// `interval` of the old one's connection ending.
final class LeaderElection: @unchecked Sendable {
    private let url: String
    private let interval: Duration
    private let logger: Logger
    private let state = Mutex((leader: false, stopped: false))
    private let finished = DispatchSemaphore(value: 0)

    init(url: String, interval: Duration = .milliseconds(500), logger: Logger) {
        self.url = url
        self.interval = interval
        self.logger = logger
    }

    /// Whether this instance holds the lock, as of the last check.
    var isLeader: Bool { state.withLock { $0.leader } }

    func start() {
        let thread = Thread { [self] in
            self.run()
            self.finished.signal()
        }
        thread.name = "aegis-leader"
        thread.start()
    }

    /// Stops trying and gives the lock up (closing the connection).
    func stop() {
        state.withLock { $0.stopped = true }
        finished.wait()
    }

    private func run() {
        var connection: PostgresConnection?
        while !state.withLock({ $0.stopped }) {
            do {
                let current = try connection ?? PostgresConnection(url: url, connectTimeout: 2, statementTimeoutMS: 2_000)
                connection = current
                if isLeader {
                    // Still holding it: the connection must still be there.
                    _ = try current.prepare("SELECT 1").first { $0.int(0) }
                } else if try current.prepare("SELECT pg_try_advisory_lock(\(AdvisoryLock.leader.keys))")
                    .first({ $0.bool(0) }) == true
                {
                    state.withLock { $0.leader = true }
                    logger.notice("this instance is now the leader")
                }
            } catch {
                if isLeader { logger.warning("lost the leader lock", metadata: ["error": "\(error)"]) }
                state.withLock { $0.leader = false }
                connection = nil
            }
            sleep(for: interval)
        }
        state.withLock { $0.leader = false }
        // Closing the connection releases the lock.
        connection = nil
    }

    /// Sleeps in short slices, so `stop` is not kept waiting.
    private func sleep(for duration: Duration) {
        let until = ContinuousClock.now + duration
        while ContinuousClock.now < until, !state.withLock({ $0.stopped }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
