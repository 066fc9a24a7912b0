import AegisDomain
import AegisWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// The RPC endpoint: one front thread (``RPCFront``) owns the ROUTER socket
/// and a PULL socket on which workers push their replies; a fixed pool of
/// worker threads, each with its own store session, takes requests from a
/// shared queue. No socket is ever used by two threads.
final class RPCServer: @unchecked Sendable {
    private let settings: RPCSettings
    private let context: ZMQContext
    private let handler: RequestHandler
    private let store: any StoreProvider
    private let logger: Logger
    private let queue: JobQueue
    private let replyEndpoint = "inproc://aegis-replies-\(UInt64.random(in: 0...UInt64.max))"
    private let control = RPCFront.Control()
    private var threads: [Thread] = []
    private let finished = DispatchGroup()
    /// The endpoint actually bound (resolves `tcp://127.0.0.1:*`).
    private(set) var boundEndpoint = ""

    init(
        settings: RPCSettings, context: ZMQContext, handler: RequestHandler, store: any StoreProvider,
        logger: Logger
    ) {
        self.settings = settings
        self.context = context
        self.handler = handler
        self.store = store
        self.logger = logger
        self.queue = JobQueue(capacity: settings.queueCapacity)
    }

    /// Binds the sockets and opens every worker's session, then starts the
    /// threads. Throws if the endpoint cannot be bound or the store opened.
    func start() throws {
        let router = try ZMQSocket(context, .router)
        try router.setMaxMessageSize(settings.hardMaxFrameBytes)
        try router.setRouterMandatory(true)
        try router.setSendHighWaterMark(RPCSettings.sendHighWaterMark)
        try router.setReceiveHighWaterMark(100_000)
        try router.setReceiveTimeout(100)
        let monitor = try ZMQMonitor(router, context: context, events: ZMQMonitor.Event.disconnected)
        try router.bind(settings.endpoint)
        boundEndpoint = router.lastEndpoint
        let replies = try ZMQSocket(context, .pull)
        try replies.setReceiveHighWaterMark(0)
        try replies.bind(replyEndpoint)
        let front = RPCFront(
            settings: settings, router: router, replies: replies, monitor: monitor, queue: queue, handler: handler,
            control: control, logger: logger)

        var workers: [(any StoreSession, ZMQSocket)] = []
        for _ in 0..<max(1, settings.workers) {
            let push = try ZMQSocket(context, .push)
            try push.setSendHighWaterMark(0)
            try push.connect(replyEndpoint)
            workers.append((try store.openSession(), push))
        }
        for (index, worker) in workers.enumerated() {
            let session = worker.0
            let push = worker.1
            nonisolated(unsafe) let unsafeSession = session
            spawn("aegis-worker-\(index)") { [self] in self.work(session: unsafeSession, push: push) }
        }
        spawn("aegis-rpc") { front.run() }
    }

    /// Requests queued for or held by a worker.
    var requestsInFlight: Int { control.inFlight.load(ordering: .relaxed) }

    /// What the front holds and has refused, for `system.stats`.
    var statistics: TransportStatistics { control.statistics.withLock { $0 } }

    /// Stops taking requests, answers those in flight (up to `grace`), then
    /// ends the threads and closes the sockets.
    func stop(grace: Duration) {
        let ms = Int(grace.components.seconds * 1000 + grace.components.attoseconds / 1_000_000_000_000_000)
        control.graceMS.store(ms, ordering: .relaxed)
        control.stopping.store(true, ordering: .sequentiallyConsistent)
        _ = finished.wait(timeout: .now() + .milliseconds(ms + 5000))
    }

    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        finished.enter()
        let thread = Thread { [finished] in
            body()
            finished.leave()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        threads.append(thread)
        thread.start()
    }

    // MARK: Worker threads

    private func work(session: any StoreSession, push: ZMQSocket) {
        defer { push.close() }
        while let job = queue.take() {
            let reply: Data
            switch job.request {
            case .read(let envelope): reply = handler.handle(envelope, peer: job.peer, session: session)
            case .unread(let body): reply = handler.handle(body, peer: job.peer, session: session)
            }
            // Unbounded inproc pipe: this only fails once the front has gone.
            do { try push.send([RPCFront.ticketFrame(job.ticket), reply], dontWait: true) } catch { continue }
        }
    }
}
