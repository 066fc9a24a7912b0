import Foundation
import ServiceLifecycle
import Synchronization

/// One long-running part of aegisd on a thread of its own (or a pool of
/// them): the group-commit writer, the checkpointer, the commit listener,
/// the leader election, the event publisher, the RPC front, the RPC
/// workers, the plugin supervisor.
///
/// Blocking work (zmq_poll, sqlite3_step, libpq, a child's pipes) never runs
/// on Swift's cooperative pool: it runs here. The part gives the body to run
/// and, when its loop waits on something of its own, how to wake it; the
/// service starts the thread, asks it to stop and joins it. It is a
/// swift-service-lifecycle `Service`: in a `ServiceGroup` it runs until
/// graceful shutdown (or until its body returns), then stops; outside one
/// (tests, tools) `start()` and `stop()` do the same synchronously.
public final class ThreadService: Service, CustomStringConvertible, @unchecked Sendable {
    public let name: String
    /// Threads running the body.
    public let count: Int
    private let body: @Sendable (Int, StopSignal) -> Void
    private let onStop: @Sendable () -> Void
    private let stackSize: Int
    private let signal = StopSignal()

    private enum Phase { case idle, running, finished }
    private struct State {
        var phase = Phase.idle
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())
    private let exited = DispatchSemaphore(value: 0)

    /// `body` runs on the thread until it returns; it should return soon
    /// after `signal.isStopping` turns true. `onStop` runs when a stop is
    /// requested, to wake a loop waiting on a condition of its own.
    public convenience init(
        name: String, stackSize: Int = 1 << 20, onStop: @escaping @Sendable () -> Void = {},
        body: @escaping @Sendable (StopSignal) -> Void
    ) {
        self.init(name: name, count: 1, stackSize: stackSize, onStop: onStop) { _, signal in body(signal) }
    }

    /// A pool of `count` threads, each running `body` with its index; the
    /// service has finished when every one has returned.
    public init(
        name: String, count: Int, stackSize: Int = 1 << 20, onStop: @escaping @Sendable () -> Void = {},
        body: @escaping @Sendable (Int, StopSignal) -> Void
    ) {
        self.name = name
        self.count = max(1, count)
        self.stackSize = stackSize
        self.onStop = onStop
        self.body = body
    }

    /// Starts the thread(s); does nothing if started before.
    public func start() {
        let first = state.withLock { state -> Bool in
            guard state.phase == .idle else { return false }
            state.phase = .running
            state.running = count
            return true
        }
        guard first else { return }
        for index in 0..<count {
            let thread = Thread { [self] in
                body(index, signal)
                let last = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
                    state.running -= 1
                    guard state.running == 0 else { return nil }
                    state.phase = .finished
                    defer { state.waiters.removeAll() }
                    return state.waiters
                }
                guard let waiters = last else { return }
                exited.signal()
                for waiter in waiters { waiter.resume() }
            }
            thread.name = count == 1 ? name : "\(name)-\(index)"
            thread.stackSize = stackSize
            thread.start()
        }
    }

    /// Asks the body to stop without waiting for it.
    public func requestStop() {
        guard signal.request() else { return }
        onStop()
    }

    /// Asks the body to stop and waits until its thread has ended. Safe to
    /// call more than once, and on a service never started.
    public func stop() {
        requestStop()
        let started = state.withLock { $0.phase != .idle }
        guard started else { return }
        exited.wait()
        exited.signal()  // later callers pass too
    }

    public var description: String { name }

    /// Whether the body has returned.
    public var hasFinished: Bool { state.withLock { $0.phase == .finished } }

    /// Returns once the body has returned.
    public func finished() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.phase == .finished { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Runs the part in a `ServiceGroup`: starts it (if not yet), and on
    /// graceful shutdown or cancellation asks it to stop; returns once its
    /// body has returned (by itself, too) and its thread is joined.
    public func run() async throws {
        start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await self.finished()
        } onCancelOrGracefulShutdown: {
            self.requestStop()
        }
    }
}

/// Tells a `ThreadService`'s body when to stop, and lets it wait for that.
/// Waits run on the monotonic clock, so a step of the wall clock never
/// stretches them.
public final class StopSignal: Sendable {
    private let stopping = Atomic<Bool>(false)
    /// Signalled once at the stop; every waiter that takes it passes it on.
    private let semaphore = DispatchSemaphore(value: 0)

    public init() {}

    /// True once a stop was requested.
    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Waits up to `timeout`, returning early when a stop is requested;
    /// true when stopping.
    @discardableResult
    public func wait(_ timeout: Duration) -> Bool {
        if isStopping { return true }
        let nanoseconds = max(0, timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        if semaphore.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success { semaphore.signal() }
        return isStopping
    }

    /// True for the first request only.
    func request() -> Bool {
        let (exchanged, _) = stopping.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing)
        if exchanged { semaphore.signal() }
        return exchanged
    }
}
