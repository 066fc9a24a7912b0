import AegisRuntime
import Foundation
import Logging

/// Wakes this instance when another instance of the deployment numbers
/// events: each numbering transaction sends `NOTIFY aegis_events` with the
/// last `seq` it numbered and who numbered it (`numberer`: this instance's
/// own writers hand what they number to the publisher), and this thread
/// `LISTEN`s on a connection of its own. It also fires every
/// `pollInterval` and after reconnecting, so a missed notification delays
/// an event by at most that long, and at that pace it numbers events left
/// pending by a writer that lost its connection after its commit.
final class CommitListener: @unchecked Sendable {
    static let channel = "aegis_events"

    private let url: String
    private let numberer: String
    /// Called with the last `seq` numbered, or nil when unknown.
    private let onCommit: @Sendable (_ upTo: Int64?) -> Void
    private let logger: Logger
    private let pollInterval: Duration

    init(
        url: String, numberer: String, pollInterval: Duration = .seconds(1), logger: Logger,
        onCommit: @escaping @Sendable (_ upTo: Int64?) -> Void
    ) {
        self.url = url
        self.numberer = numberer
        self.pollInterval = pollInterval
        self.logger = logger
        self.onCommit = onCommit
        _ = service
    }

    private(set) lazy var service = ThreadService(name: "aegis-listener") { [weak self] signal in self?.run(signal) }

    func start() { service.start() }
    func stop() { service.stop() }

    private func run(_ signal: StopSignal) {
        var connection: PostgresConnection?
        var lastFired = ContinuousClock.now
        let sliceMS: Int32 = 100
        while !signal.isStopping {
            do {
                if connection == nil {
                    let fresh = try PostgresConnection(url: url, connectTimeout: 2)
                    try fresh.execute("LISTEN \(Self.channel)")
                    connection = fresh
                    // Whatever was committed while not listening.
                    onCommit(nil)
                    lastFired = .now
                }
                let payloads = try connection?.waitForNotifications(timeoutMS: sliceMS) ?? []
                if ContinuousClock.now - lastFired >= pollInterval {
                    if let connection {
                        // Events a writer committed but could not number (it
                        // lost its connection right after the commit).
                        _ = try EventNumbering.numberPending(on: connection, numberer: numberer)
                    }
                    onCommit(nil)
                    lastFired = .now
                } else if !payloads.isEmpty {
                    let notes = payloads.map(EventNumbering.Notification.init(payload:))
                    let others = notes.filter { $0?.numberer != numberer }
                    if !others.isEmpty {
                        onCommit(others.contains(where: { $0 == nil }) ? nil : others.compactMap { $0?.lastSeq }.max())
                        lastFired = .now
                    }
                }
            } catch {
                if connection != nil {
                    logger.warning("lost the PostgreSQL listener connection; reconnecting", metadata: ["error": "\(error)"])
                }
                connection = nil
                onCommit(nil)
                lastFired = .now
                signal.wait(.milliseconds(200))
            }
        }
    }
}
