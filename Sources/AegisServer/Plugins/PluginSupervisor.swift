import AegisApp
import AegisDomain
import AegisRuntime
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Starts, watches and restarts this instance's plugin processes, from one
/// thread of its own (a ``ThreadService``, stopped first at shutdown).
///
/// Each plugin's lifecycle is the pure ``PluginLifecycle``; this type does
/// its I/O: it issues and revokes the scoped credentials, spawns processes
/// (``PluginProcess``), signals and reaps them, copies their output into
/// the log and a ring per plugin, and records the announcements as events.
/// Other threads talk to it through commands it runs between polls; what
/// `plugin.list` shows is published after every round.
final class PluginSupervisor: @unchecked Sendable {
    /// A plugin as `plugin.list` shows it.
    struct Status: Sendable {
        var name: String
        var state: PluginLifecycle.State
        var pid: Int32?
        var restarts: Int
        var lastHeartbeat: Date?
        var lastExit: PluginExit?
        var version: String?
        var capabilities: [String]
        var singleton: Bool
        /// What the plugin last reported with `plugin.heartbeat`.
        var report: [String: Int64]
        var startedAt: Date?
    }

    /// Where the plugins find this daemon.
    struct Endpoints: Sendable {
        var rpc: String
        var events: String
    }

    private enum Command {
        case start(String), stop(String), restart(String)
        case hello(String, version: String, capabilities: [String])
        case heartbeat(String, report: [String: Int64])
    }

    private final class Pending: @unchecked Sendable {
        let command: Command
        let done = DispatchSemaphore(value: 0)
        var refusal: (any Error)?
        init(_ command: Command) { self.command = command }
    }

    let policy: PluginPolicy
    private let credentials: LivePluginCredentials
    private let env: AppEnvironment
    private let session: any StoreSession
    private let logger: Logger
    private var endpoints = Endpoints(rpc: "", events: "")
    private var runtimes: [String: PluginRuntime] = [:]
    /// Set once aegisd is stopping: nothing is started any more.
    private var shuttingDown = false
    private let order: [String]
    private let inbox = Mutex<[Pending]>([])
    private let published = Mutex<[Status]>([])
    private let rings: [String: PluginLogRing]
    private let declarations: [String: PluginDeclaration]
    private let wake: [Int32]

    init(
        plugins: [PluginDeclaration], policy: PluginPolicy, credentials: LivePluginCredentials, env: AppEnvironment,
        session: any StoreSession, logger: Logger
    ) throws {
        self.policy = policy
        self.credentials = credentials
        self.env = env
        self.session = session
        self.logger = logger
        order = plugins.map(\.name)
        var rings: [String: PluginLogRing] = [:]
        for plugin in plugins {
            let runtime = PluginRuntime(PluginLifecycle(declaration: plugin, policy: policy))
            runtimes[plugin.name] = runtime
            rings[plugin.name] = runtime.logs
        }
        self.rings = rings
        declarations = Dictionary(plugins.map { ($0.name, $0) }) { first, _ in first }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw DaemonError.configuration("cannot create the supervisor's wake pipe") }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        wake = ends
        publish()
        _ = service
    }

    deinit { for fd in wake { close(fd) } }

    /// The supervising thread: stopping it stops every plugin.
    private(set) lazy var service = ThreadService(
        name: "aegis-plugins", onStop: { [weak self] in self?.poke() }, body: { [weak self] signal in self?.run(signal) })

    /// Tells the supervisor where the plugins find the daemon (once bound).
    func setEndpoints(_ endpoints: Endpoints) { self.endpoints = endpoints }

    // MARK: From other threads

    /// What `plugin.list` shows, in declaration order.
    var statuses: [Status] { published.withLock { $0 } }

    /// The last `count` lines of `plugin`'s output; nil for an unknown plugin.
    func logs(_ plugin: String, last count: Int) -> [PluginLogRing.Line]? { rings[plugin]?.last(count) }

    func isDeclared(_ plugin: String) -> Bool { rings[plugin] != nil }

    /// How long `plugin` may go without a heartbeat.
    func heartbeatTimeout(of plugin: String) -> Duration? { declarations[plugin]?.heartbeatTimeout }

    /// Starts, stops or restarts `plugin` (an admin's command); returns once
    /// done, throwing the refusal if any.
    func start(_ plugin: String) throws { try perform(.start(plugin)) }
    func stop(_ plugin: String) throws { try perform(.stop(plugin)) }
    func restart(_ plugin: String) throws { try perform(.restart(plugin)) }

    /// `plugin.hello` from `plugin`'s process (its credential is live).
    func hello(_ plugin: String, version: String, capabilities: [String]) {
        post(Pending(.hello(plugin, version: version, capabilities: capabilities)))
    }

    /// `plugin.heartbeat` from `plugin`'s process, with its counters.
    func heartbeat(_ plugin: String, report: [String: Int64]) {
        post(Pending(.heartbeat(plugin, report: report)))
    }

    private func perform(_ command: Command) throws {
        let pending = Pending(command)
        post(pending)
        // The round runs within its poll timeout; a stopped supervisor answers at once.
        if service.hasFinished { throw AegisError.unavailable("the plugin supervisor is stopping") }
        if pending.done.wait(timeout: .now() + 10) == .timedOut {
            throw AegisError.unavailable("the plugin supervisor did not answer; retry")
        }
        if let refusal = pending.refusal { throw refusal }
    }

    private func post(_ pending: Pending) {
        inbox.withLock { $0.append(pending) }
        poke()
    }

    private func poke() {
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
    }

    // MARK: The supervising thread

    private func run(_ signal: StopSignal) {
        let start = ContinuousClock.now
        for name in order { autostart(name, now: start) }
        while !signal.isStopping {
            round()
            waitForWork(until: nextDeadline())
        }
        shutDown()
    }

    /// One round: commands, timers, leadership, output, exits.
    private func round() {
        let now = ContinuousClock.now
        let commands = inbox.withLock { inbox -> [Pending] in
            defer { inbox.removeAll() }
            return inbox
        }
        for pending in commands { handle(pending, now: now) }
        if !commands.isEmpty {
            // Whoever waits for a command sees its effect in the list.
            publish()
            for pending in commands { pending.done.signal() }
        }
        for name in order {
            guard let runtime = runtimes[name] else { continue }
            reconcileLeadership(name, runtime, now: now)
            apply(runtime.lifecycle.tick(now: now), to: name, now: now)
            readOutput(name, runtime)
            if let exit = runtime.process?.reap() {
                readOutput(name, runtime, final: true)
                runtime.process = nil
                logger.info(
                    "plugin exited", metadata: ["plugin": .string(name), "exit": .string("\(exit)")])
                apply(runtime.lifecycle.exited(exit, now: now), to: name, now: now)
                if runtime.lifecycle.state == .stopped, !runtime.heldStopped, !runtime.leadershipStop {
                    runtime.exitedByItself = true
                }
            }
        }
        publish()
    }

    private func handle(_ pending: Pending, now: ContinuousClock.Instant) {
        switch pending.command {
        case .start(let name):
            guard let runtime = runtimes[name] else { return }
            if let refusal = refusesStart(name, runtime) {
                pending.refusal = refusal
                return
            }
            runtime.heldStopped = false
            runtime.exitedByItself = false
            do { apply(try runtime.lifecycle.start(now: now), to: name, now: now) } catch {
                pending.refusal = AegisError.failedPrecondition("plugin \(name) is already running")
            }
        case .stop(let name):
            guard let runtime = runtimes[name] else { return }
            runtime.heldStopped = true
            apply(runtime.lifecycle.stop(now: now), to: name, now: now)
        case .restart(let name):
            guard let runtime = runtimes[name] else { return }
            if let refusal = refusesStart(name, runtime) {
                pending.refusal = refusal
                return
            }
            runtime.heldStopped = false
            runtime.exitedByItself = false
            apply(runtime.lifecycle.restart(now: now), to: name, now: now)
        case .hello(let name, let version, let capabilities):
            guard let runtime = runtimes[name] else { return }
            runtime.version = version
            runtime.capabilities = capabilities
            runtime.lastHeartbeat = Date()
            apply(runtime.lifecycle.hello(now: now), to: name, now: now)
        case .heartbeat(let name, let report):
            guard let runtime = runtimes[name] else { return }
            runtime.lastHeartbeat = Date()
            runtime.report = report
            runtime.lifecycle.heartbeat(now: now)
        }
    }

    /// Why `plugin.start` or `plugin.restart` of `name` is refused now, if it is.
    private func refusesStart(_ name: String, _ runtime: PluginRuntime) -> AegisError? {
        if shuttingDown { return AegisError.unavailable("aegisd is stopping") }
        if runtime.lifecycle.declaration.singleton, !env.isLeader() {
            return AegisError.failedPrecondition("plugin \(name) is a singleton: it runs on the deployment's leader only")
        }
        return nil
    }

    /// Starts what should run by itself: declared `autostart`, and for a
    /// singleton only on the leader.
    private func autostart(_ name: String, now: ContinuousClock.Instant) {
        guard !shuttingDown, let runtime = runtimes[name], runtime.lifecycle.declaration.autostart else { return }
        if runtime.lifecycle.declaration.singleton, !env.isLeader() { return }
        if let effects = try? runtime.lifecycle.start(now: now) { apply(effects, to: name, now: now) }
    }

    /// A singleton follows the lead: started when this instance becomes
    /// leader, stopped when it stops being leader.
    private func reconcileLeadership(_ name: String, _ runtime: PluginRuntime, now: ContinuousClock.Instant) {
        let declaration = runtime.lifecycle.declaration
        guard declaration.singleton, !shuttingDown else { return }
        let leader = env.isLeader()
        let state = runtime.lifecycle.state
        if leader, state == .stopped, declaration.autostart, !runtime.heldStopped, !runtime.exitedByItself {
            autostart(name, now: now)
        } else if !leader, [.starting, .running, .backingOff].contains(state), !runtime.leadershipStop {
            logger.notice("this instance is not the leader; stopping a singleton plugin", metadata: ["plugin": .string(name)])
            runtime.leadershipStop = true
            apply(runtime.lifecycle.stop(now: now), to: name, now: now)
        }
        if leader { runtime.leadershipStop = false }
    }

    // MARK: Effects

    private func apply(_ effects: [PluginEffect], to name: String, now: ContinuousClock.Instant) {
        guard let runtime = runtimes[name] else { return }
        for effect in effects {
            switch effect {
            case .spawn: spawn(name, runtime, now: now)
            case .terminate: runtime.process?.signalGroup(SIGTERM)
            case .kill:
                logger.warning("plugin ignored SIGTERM; sending SIGKILL", metadata: ["plugin": .string(name)])
                runtime.process?.signalGroup(SIGKILL)
            case .revokeCredential:
                if let hash = runtime.credential { credentials.revoke(hash: hash) }
                runtime.credential = nil
            case .announce(let announcement):
                announce(announcement, name, runtime)
            }
        }
    }

    private func spawn(_ name: String, _ runtime: PluginRuntime, now: ContinuousClock.Instant) {
        let declaration = runtime.lifecycle.declaration
        let (secret, hash) = credentials.issue(for: declaration)
        runtime.credential = hash
        // Only what a program needs to run: aegisd's own environment may hold
        // secrets (PGPASSWORD, cloud keys) that are no plugin's business.
        var environment = ProcessInfo.processInfo.environment.filter { Self.passedOn.contains($0.key) || $0.key.hasPrefix("LC_") }
        environment.merge(declaration.environment) { $1 }
        environment["AEGIS_RPC_ENDPOINT"] = endpoints.rpc
        environment["AEGIS_EVENTS_ENDPOINT"] = endpoints.events
        environment["AEGIS_API_KEY"] = secret
        environment["AEGIS_PLUGIN_NAME"] = name
        environment["AEGIS_PLUGIN_SETTINGS"] = declaration.settingsJSON
        do {
            let process = try PluginProcess(command: declaration.command, arguments: declaration.args, environment: environment)
            runtime.attach(process)
            logger.info("plugin started", metadata: ["plugin": .string(name), "pid": .stringConvertible(process.pid)])
        } catch {
            logger.error("plugin could not be started", metadata: ["plugin": .string(name), "error": .string("\(error)")])
            apply(runtime.lifecycle.spawnFailed(now: now, reason: "\(error)"), to: name, now: now)
        }
    }

    private func announce(_ announcement: PluginAnnouncement, _ name: String, _ runtime: PluginRuntime) {
        switch announcement {
        case .crashed(_, let reason):
            logger.warning("plugin crashed", metadata: ["plugin": .string(name), "reason": .string(reason)])
        case .failed(let reason):
            logger.error("plugin failed; left stopped until an admin starts it", metadata: ["plugin": .string(name), "reason": .string(reason)])
        case .started, .stopped:
            break
        }
        let context = CallContext(requestID: "plugins", principal: nil, peer: nil, session: session)
        do {
            try PluginEventLog(env: env, context: context).record(
                announcement, plugin: name, pid: runtime.process?.pid, version: runtime.version,
                restarts: runtime.lifecycle.restarts)
        } catch {
            logger.error("cannot record a plugin event", metadata: ["plugin": .string(name), "error": .string("\(error)")])
        }
    }

    /// The variables of aegisd's environment a plugin gets (with `LC_*`).
    static let passedOn: Set<String> = ["PATH", "HOME", "LANG", "TZ", "TMPDIR", "USER", "LOGNAME", "SHELL"]

    // MARK: Output

    private func readOutput(_ name: String, _ runtime: PluginRuntime, final: Bool = false) {
        for (stream, line) in runtime.readOutput(final: final) {
            logger.info("\(line)", metadata: ["plugin": .string(name), "stream": .string(stream)])
        }
    }

    // MARK: Waiting

    private func nextDeadline() -> ContinuousClock.Instant {
        let soon = ContinuousClock.now + .milliseconds(250)
        return order.compactMap { runtimes[$0]?.lifecycle.nextDeadline }.reduce(soon, min)
    }

    /// Sleeps in `poll` until a command, output from a plugin, or `deadline`.
    private func waitForWork(until deadline: ContinuousClock.Instant) {
        var fds = [pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
        var exiting = false
        for name in order {
            guard let runtime = runtimes[name], runtime.process != nil else { continue }
            // A process whose output has just closed is about to be reaped:
            // look again soon (for two seconds; one that closed its output
            // and lives on is looked at as usual after that).
            if runtime.openStreams.isEmpty, let closed = runtime.outputClosedAt, ContinuousClock.now - closed < .seconds(2) {
                exiting = true
            }
            for fd in runtime.openStreams { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        }
        let remaining = deadline - ContinuousClock.now
        var ms = max(0, min(250, Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)))
        if exiting { ms = min(ms, 10) }
        _ = poll(&fds, nfds_t(fds.count), ms)
        if fds[0].revents != 0 {
            var drain = [UInt8](repeating: 0, count: 64)
            while read(wake[0], &drain, drain.count) > 0 {}
        }
    }

    /// Stops every plugin: `SIGTERM`, the grace, `SIGKILL`, and reaps them all.
    private func shutDown() {
        shuttingDown = true
        let now = ContinuousClock.now
        for name in order { if let runtime = runtimes[name] { apply(runtime.lifecycle.stop(now: now), to: name, now: now) } }
        while order.contains(where: { runtimes[$0]?.process != nil }) {
            round()
            waitForWork(until: nextDeadline())
        }
        // Commands that came in meanwhile.
        round()
    }

    // MARK: Publishing

    private func publish() {
        let statuses = order.compactMap { name -> Status? in
            guard let runtime = runtimes[name] else { return nil }
            return Status(
                name: name, state: runtime.lifecycle.state, pid: runtime.process?.pid, restarts: runtime.lifecycle.restarts,
                lastHeartbeat: runtime.lastHeartbeat, lastExit: runtime.lifecycle.lastExit, version: runtime.version,
                capabilities: runtime.capabilities, singleton: runtime.lifecycle.declaration.singleton,
                report: runtime.report, startedAt: runtime.startedAt)
        }
        published.withLock { $0 = statuses }
    }
}
