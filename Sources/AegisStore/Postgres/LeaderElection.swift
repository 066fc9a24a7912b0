import AegisRuntime
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
    private let leader = Atomic<Bool>(false)

    init(url: String, interval: Duration = .milliseconds(500), logger: Logger) {
        self.url = url
        self.interval = interval
        self.logger = logger
        _ = service
    }

    /// Whether this instance holds the lock, as of the last check.
    var isLeader: Bool { leader.load(ordering: .relaxed) }

    /// Stopping gives the lock up (closing the connection).
    private(set) lazy var service = ThreadService(name: "aegis-leader") { [weak self] signal in self?.run(signal) }

    func start() { service.start() }
    func stop() { service.stop() }

    private func run(_ signal: StopSignal) {
        var connection: PostgresConnection?
        while !signal.isStopping {
            do {
                let current = try connection ?? PostgresConnection(url: url, connectTimeout: 2, statementTimeoutMS: 2_000)
                connection = current
                if isLeader {
                    // Still holding it: the connection must still be there.
                    _ = try current.prepare("SELECT 1").first { $0.int(0) }
                } else if try current.prepare("SELECT pg_try_advisory_lock(\(AdvisoryLock.leader.keys))")
                    .first({ $0.bool(0) }) == true
                {
                    leader.store(true, ordering: .relaxed)
                    logger.notice("this instance is now the leader")
                }
            } catch {
                if isLeader { logger.warning("lost the leader lock", metadata: ["error": "\(error)"]) }
                leader.store(false, ordering: .relaxed)
                connection = nil
            }
            signal.wait(interval)
        }
        leader.store(false, ordering: .relaxed)
        // Closing the connection releases the lock.
        connection = nil
    }
}
