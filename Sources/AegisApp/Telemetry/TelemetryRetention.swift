import AegisDomain
import Foundation

/// Keeps telemetry within its retention: events older than `days`, then the
/// oldest until the bodies kept fit in `maxBytes`. Detections stay. Deletes
/// in chunks, each its own transaction, so writers never wait long.
public struct TelemetryRetention {
    public let env: AppEnvironment
    public let session: any StoreSession
    public var days: Int
    public var maxBytes: Int64
    /// Events one transaction deletes.
    public var chunk = 10_000

    public init(env: AppEnvironment, session: any StoreSession, days: Int, maxBytes: Int64) {
        self.env = env
        self.session = session
        self.days = days
        self.maxBytes = maxBytes
    }

    /// Runs one purge; returns how many events it removed.
    public func purge() throws -> Int {
        let cutoff = env.clock.now().addingTimeInterval(-Double(days) * 86_400)
        var removed = 0
        while true {
            let n = try session.write { try $0.telemetry.purge(receivedBefore: cutoff, limit: chunk) }
            removed += n
            if n < chunk { break }
        }
        // Past the size cap, the oldest go first (ids are time-ordered).
        while try session.read({ try $0.telemetry.totals() }).bytes > maxBytes {
            let n = try session.write { try $0.telemetry.purge(receivedBefore: .distantFuture, limit: chunk) }
            removed += n
            if n == 0 { break }
        }
        return removed
    }
}
