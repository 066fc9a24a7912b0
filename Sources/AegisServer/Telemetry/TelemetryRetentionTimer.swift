import AegisApp
import AegisDomain
import AegisRuntime
import Foundation
import Logging

/// Runs the telemetry purge on the leader: a minute after start, then every
/// `interval`. Followers skip it; a new leader picks it up on its next round.
final class TelemetryRetentionTimer: @unchecked Sendable {
    private let retention: TelemetryRetention
    private let logger: Logger
    private let interval: Duration
    private let isLeader: @Sendable () -> Bool

    init(retention: TelemetryRetention, isLeader: @escaping @Sendable () -> Bool, logger: Logger, interval: Duration = .seconds(600)) {
        self.retention = retention
        self.isLeader = isLeader
        self.logger = logger
        self.interval = interval
    }

    /// The purge's thread.
    private(set) lazy var service = ThreadService(name: "aegis-telemetry-retention") { [weak self] signal in
        guard let self else { return }
        var wait = Duration.seconds(60)
        while !signal.wait(wait) {
            wait = interval
            guard isLeader() else { continue }
            do {
                let removed = try retention.purge()
                if removed > 0 {
                    logger.info("telemetry purged", metadata: ["events": .stringConvertible(removed)])
                }
            } catch {
                logger.warning("telemetry purge failed; retrying later", metadata: ["error": .string("\(error)")])
            }
        }
    }
}
