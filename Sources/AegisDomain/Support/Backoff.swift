import Foundation

/// Exponential backoff: how long to wait before the next attempt after
/// consecutive failures, doubling from `initial` up to `maximum`, with
/// optional jitter. A value type: the caller counts failures and resets
/// after a success (or after a healthy while). Used by the PostgreSQL
/// reconnects and the plugin supervisor's restarts.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    /// Each delay is drawn from `delay × (1 - jitter ... 1)`, so peers that
    /// failed together do not retry together. 0 for none.
    public var jitter: Double
    /// Failures since the last reset.
    public private(set) var failures = 0

    public init(initial: Duration, maximum: Duration, jitter: Double = 0) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The 50 ms → 2 s reconnect pace of the PostgreSQL connections.
    public static let reconnect = Backoff(initial: .milliseconds(50), maximum: .seconds(2))

    /// Counts a failure and returns how long to wait before the next attempt.
    public mutating func fail(random: Double = Double.random(in: 0...1)) -> Duration {
        failures += 1
        return delay(random: random)
    }

    /// The wait after the failures counted so far (zero before any), with
    /// `random` (0...1) choosing within the jitter.
    public func delay(random: Double = 0) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = initial
        for _ in 1..<failures {
            delay = delay * 2
            if delay >= maximum { break }
        }
        delay = min(delay, maximum)
        guard jitter > 0 else { return delay }
        return delay * (1 - jitter * min(max(random, 0), 1))
    }

    /// Forgets the failures (after a success, or a healthy while).
    public mutating func reset() { failures = 0 }
}
