import Foundation

/// How a plugin process ended.
public enum PluginExit: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var isSuccess: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case .exited(let status): "exit status \(status)"
        case .signaled(let signal): "signal \(signal)"
        }
    }
}

/// What the supervisor's settings say about restarts, the same for every plugin.
public struct PluginPolicy: Sendable, Equatable {
    /// Waits between restarts after failures (exponential, with jitter).
    public var backoff: Backoff
    /// Failures in a row (without a healthy run between) before `failed`.
    public var maxFailures: Int
    /// Running this long without trouble forgets the failures before.
    public var healthyAfter: Duration
    /// Between `SIGTERM` and `SIGKILL`.
    public var stopGrace: Duration
    /// How often a plugin should call `plugin.heartbeat` (told in the hello reply).
    public var heartbeatInterval: Duration

    public init(
        backoff: Backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(30), jitter: 0.2), maxFailures: Int = 5,
        healthyAfter: Duration = .seconds(30), stopGrace: Duration = .seconds(5), heartbeatInterval: Duration = .seconds(5)
    ) {
        self.backoff = backoff
        self.maxFailures = max(1, maxFailures)
        self.healthyAfter = healthyAfter
        self.stopGrace = stopGrace
        self.heartbeatInterval = heartbeatInterval
    }
}

/// The events a plugin's lifecycle announces.
public enum PluginAnnouncement: Sendable, Equatable {
    /// It said hello.
    case started
    /// It stopped when asked (or, with `on-failure`, exited with status 0).
    case stopped
    /// It exited or was stopped without being asked, or missed its hello or a heartbeat.
    case crashed(PluginExit?, reason: String)
    /// It kept failing: left stopped until an admin starts it.
    case failed(reason: String)
}

/// What the supervisor must do for a plugin: the I/O the state machine
/// asks for, done by the caller.
public enum PluginEffect: Sendable, Equatable {
    /// Issue a fresh credential and start the process.
    case spawn
    /// `SIGTERM` to its process group.
    case terminate
    /// `SIGKILL` to its process group.
    case kill
    /// Revoke the credential of the process that ended.
    case revokeCredential
    case announce(PluginAnnouncement)
}

/// Why a command is refused.
public enum PluginRefusal: Error, Sendable, Equatable {
    case alreadyRunning
    case notRunning
}

/// One plugin's lifecycle: a pure state machine, as the test workflow is.
/// Every input takes the time (monotonic) and returns the effects for the
/// caller to carry out; timers are `tick`s, compared with ``nextDeadline``.
///
/// `stopped → starting → running`, and from `starting` or `running` on an
/// exit, a missed hello or heartbeat: `backing_off → starting …` with
/// exponential backoff, or `failed` after too many failures in a row, or
/// `stopped` as the restart policy says. Stopping is `SIGTERM`, a grace
/// period, then `SIGKILL`; the process is `stopping` until it has exited.
public struct PluginLifecycle: Sendable, Equatable {
    /// The state `plugin.list` shows.
    public enum State: String, Sendable, Equatable {
        case starting, running, stopped, failed
        case backingOff = "backing_off"
    }

    /// What comes after a process that is being stopped has exited.
    public enum Then: Sendable, Equatable {
        /// `stopped`, announced `plugin.stopped`.
        case stop
        /// Started again at once (an admin's restart).
        case restart
        /// A failure already announced (`reason`): back off, fail, or stop
        /// as the restart policy says.
        case recover(reason: String)
    }

    public enum Phase: Sendable, Equatable {
        case stopped
        /// Started; its hello is awaited until `deadline`.
        case starting(deadline: ContinuousClock.Instant)
        case running(since: ContinuousClock.Instant, lastHeartbeat: ContinuousClock.Instant)
        /// Asked to end (`SIGTERM` sent); `SIGKILL` at `deadline` (nil once sent).
        case stopping(deadline: ContinuousClock.Instant?, then: Then)
        case backingOff(until: ContinuousClock.Instant)
        case failed
    }

    public let declaration: PluginDeclaration
    public let policy: PluginPolicy
    public private(set) var phase: Phase = .stopped
    public private(set) var backoff: Backoff
    /// Times started after the first.
    public private(set) var restarts = 0
    public private(set) var lastExit: PluginExit?

    public init(declaration: PluginDeclaration, policy: PluginPolicy) {
        self.declaration = declaration
        self.policy = policy
        self.backoff = policy.backoff
    }

    public var state: State {
        switch phase {
        case .stopped: .stopped
        case .starting: .starting
        case .running: .running
        case .stopping(_, .stop): .running
        case .stopping(_, .restart): .starting
        case .stopping(_, .recover): .backingOff
        case .backingOff: .backingOff
        case .failed: .failed
        }
    }

    /// Whether a process is there (started and not yet seen to exit).
    public var hasProcess: Bool {
        switch phase {
        case .starting, .running, .stopping: true
        case .stopped, .backingOff, .failed: false
        }
    }

    /// The next time `tick` has something to do, if any.
    public var nextDeadline: ContinuousClock.Instant? {
        switch phase {
        case .starting(let deadline): deadline
        case .running(let since, let last):
            backoff.failures > 0
                ? min(last + declaration.heartbeatTimeout, since + policy.healthyAfter) : last + declaration.heartbeatTimeout
        case .stopping(let deadline, _): deadline
        case .backingOff(let until): until
        case .stopped, .failed: nil
        }
    }

    // MARK: Commands (an admin, the daemon)

    /// Starts a stopped, failed or backing-off plugin.
    public mutating func start(now: ContinuousClock.Instant) throws(PluginRefusal) -> [PluginEffect] {
        switch phase {
        case .stopped, .failed, .backingOff:
            backoff.reset()
            return spawn(now)
        case .starting, .running, .stopping: throw .alreadyRunning
        }
    }

    /// Stops it: `SIGTERM` to a process, at once for anything else.
    public mutating func stop(now: ContinuousClock.Instant) -> [PluginEffect] {
        switch phase {
        case .starting, .running:
            phase = .stopping(deadline: now + policy.stopGrace, then: .stop)
            return [.terminate]
        case .stopping(let deadline, _):
            phase = .stopping(deadline: deadline, then: .stop)
            return []
        case .backingOff, .failed:
            phase = .stopped
            return [.announce(.stopped)]
        case .stopped: return []
        }
    }

    /// Stops it and starts it again (also from `failed`).
    public mutating func restart(now: ContinuousClock.Instant) -> [PluginEffect] {
        backoff.reset()
        switch phase {
        case .starting, .running:
            phase = .stopping(deadline: now + policy.stopGrace, then: .restart)
            return [.terminate]
        case .stopping(let deadline, _):
            phase = .stopping(deadline: deadline, then: .restart)
            return []
        case .stopped, .failed, .backingOff:
            return spawn(now)
        }
    }

    // MARK: What the process does

    /// The start failed (the command could not be run).
    public mutating func spawnFailed(now: ContinuousClock.Instant, reason: String) -> [PluginEffect] {
        [.revokeCredential, .announce(.crashed(nil, reason: reason))] + recover(now, reason: reason)
    }

    /// `plugin.hello`.
    public mutating func hello(now: ContinuousClock.Instant) -> [PluginEffect] {
        guard case .starting = phase else { return [] }
        phase = .running(since: now, lastHeartbeat: now)
        return [.announce(.started)]
    }

    /// `plugin.heartbeat`.
    public mutating func heartbeat(now: ContinuousClock.Instant) {
        if case .running(let since, _) = phase { phase = .running(since: since, lastHeartbeat: now) }
    }

    /// The process has exited (reaped).
    public mutating func exited(_ exit: PluginExit, now: ContinuousClock.Instant) -> [PluginEffect] {
        lastExit = exit
        switch phase {
        case .stopping(_, .stop):
            phase = .stopped
            return [.revokeCredential, .announce(.stopped)]
        case .stopping(_, .restart):
            return [.revokeCredential] + spawn(now)
        case .stopping(_, .recover(let reason)):
            return [.revokeCredential] + recover(now, reason: reason)
        case .starting, .running:
            if declaration.restart == .never || (declaration.restart == .onFailure && exit.isSuccess) {
                phase = .stopped
                return [.revokeCredential, exit.isSuccess ? .announce(.stopped) : .announce(.crashed(exit, reason: "\(exit)"))]
            }
            return [.revokeCredential, .announce(.crashed(exit, reason: "\(exit)"))] + recover(now, reason: "\(exit)")
        case .stopped, .backingOff, .failed:
            return [.revokeCredential]
        }
    }

    // MARK: Timers

    /// Acts on whatever deadline has passed at `now`.
    public mutating func tick(now: ContinuousClock.Instant) -> [PluginEffect] {
        switch phase {
        case .starting(let deadline) where now >= deadline:
            return missed("no plugin.hello within \(declaration.helloTimeout)", now)
        case .running(let since, let last):
            if now >= last + declaration.heartbeatTimeout {
                return missed("no plugin.heartbeat for \(declaration.heartbeatTimeout)", now)
            }
            if backoff.failures > 0, now >= since + policy.healthyAfter { backoff.reset() }
            return []
        case .stopping(let deadline?, let then) where now >= deadline:
            phase = .stopping(deadline: nil, then: then)
            return [.kill]
        case .backingOff(let until) where now >= until:
            return spawn(now)
        default:
            return []
        }
    }

    // MARK: Helpers

    private mutating func spawn(_ now: ContinuousClock.Instant) -> [PluginEffect] {
        if lastExit != nil || restarts > 0 || backoff.failures > 0 { restarts += 1 }
        phase = .starting(deadline: now + declaration.helloTimeout)
        return [.spawn]
    }

    /// A process that missed its hello or a heartbeat: announced, stopped,
    /// then backed off (or failed) once it has exited.
    private mutating func missed(_ reason: String, _ now: ContinuousClock.Instant) -> [PluginEffect] {
        phase = .stopping(deadline: now + policy.stopGrace, then: .recover(reason: reason))
        return [.announce(.crashed(nil, reason: reason)), .terminate]
    }

    /// After a failure: `never` stops it; otherwise a backoff, or `failed`
    /// after too many in a row.
    private mutating func recover(_ now: ContinuousClock.Instant, reason: String) -> [PluginEffect] {
        if declaration.restart == .never {
            phase = .stopped
            return []
        }
        let wait = backoff.fail()
        if backoff.failures >= policy.maxFailures {
            phase = .failed
            return [.announce(.failed(reason: "\(backoff.failures) failures in a row; the last: \(reason)"))]
        }
        phase = .backingOff(until: now + wait)
        return []
    }
}
