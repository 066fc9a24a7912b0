import AegisApp
import AegisDomain
import AegisRuntime
import Foundation
import Logging
import Synchronization

/// Reverts expired rule states to `enabled` on time: sleeps until the next
/// expiry (at most `recheck`), or until a state change is announced, then
/// reverts what is due. Every instance runs one; the rule change lock makes
/// each revert happen, and be announced, once per deployment.
final class RuleStateTimer: @unchecked Sendable {
    private let env: AppEnvironment
    /// Used by the timer's thread alone.
    private let session: any StoreSession
    private let logger: Logger
    private let recheck: Duration
    /// Set when a state change was announced, so the wait starts over.
    private let poked = DispatchSemaphore(value: 0)
    private let reverted = Atomic<Int>(0)

    init(env: AppEnvironment, session: any StoreSession, logger: Logger, recheck: Duration = .seconds(30)) {
        self.env = env
        self.session = session
        self.logger = logger
        self.recheck = recheck
    }

    /// The timer's thread.
    private(set) lazy var service = ThreadService(
        name: "aegis-rule-states", onStop: { [poked] in poked.signal() },
        body: { [weak self] signal in self?.run(signal) })

    /// A state changed somewhere: look at the next expiry again.
    func poke() { poked.signal() }

    /// How many states this instance reverted.
    var revertedCount: Int { reverted.load(ordering: .relaxed) }

    private func run(_ signal: StopSignal) {
        let service = RuleService(
            env: env, context: CallContext(requestID: "rule-states", principal: nil, peer: nil, session: session))
        var failures = 0
        while !signal.isStopping {
            var wait = recheck
            do {
                let count = try service.revertExpiredStates()
                if count > 0 {
                    reverted.add(count, ordering: .relaxed)
                    logger.info("rule states expired and reverted to enabled", metadata: ["rules": .stringConvertible(count)])
                }
                if let next = try service.nextStateExpiry() {
                    let seconds = max(0, next.timeIntervalSince(env.clock.now()))
                    wait = min(recheck, .milliseconds(Int64((seconds * 1000).rounded(.up)) + 1))
                }
                failures = 0
            } catch {
                failures += 1
                wait = .milliseconds(min(30_000, 100 << min(failures, 8)))
                logger.warning("rule state expiry failed; retrying", metadata: ["error": .string("\(error)")])
            }
            let nanoseconds = wait.components.seconds * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000
            _ = poked.wait(timeout: .now() + .nanoseconds(Int(max(0, nanoseconds))))
        }
    }
}
