import AegisDomain
import AegisRuntime
import AegisWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// The RPC endpoint: one front thread (``RPCFront``) owns the ROUTER socket
/// and a PULL socket on which workers push their replies; a fixed pool of
/// worker threads, each with its own store session, takes requests from a
/// shared queue. No socket is ever used by two threads. Two services: the
/// workers first, the front last, so that stopping in reverse stops the
/// front (which answers what is in flight) before the workers.
final class RPCServer: @unchecked Sendable {
    private let settings: RPCSettings
    private let context: ZMQContext
    private let handler: RequestHandler
    private let store: any StoreProvider
    private let logger: Logger
    private let queue: JobQueue
    private let replyEndpoint = "inproc://aegis-replies-\(UInt64.random(in: 0...UInt64.max))"
    private let control = RPCFront.Control()
    /// The endpoint actually bound (resolves `tcp://127.0.0.1:*`).
    private(set) var boundEndpoint = ""
    /// The worker pool, then the front.
    private(set) var services: [ThreadService] = []

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

    /// Binds the sockets and opens every worker's session; the threads start
    /// with ``services``. Throws if the endpoint cannot be bound or the store
    /// opened.
    func open() throws {
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

        var sessions: [any StoreSession] = []
        var sockets: [ZMQSocket] = []
        for _ in 0..<max(1, settings.workers) {
            let push = try ZMQSocket(context, .push)
            try push.setSendHighWaterMark(0)
            try push.connect(replyEndpoint)
            sockets.append(push)
            sessions.append(try store.openSession())
        }
        nonisolated(unsafe) let workerSessions = sessions
        let pushes = sockets
        let queue = self.queue, handler = self.handler
        // The workers end when the queue closes: when they are stopped,
        // after the front.
        let workers = ThreadService(
            name: "aegis-worker", count: pushes.count, stackSize: 8 << 20,
            onStop: { queue.close(discardingPending: true) }
        ) { index, _ in
            Self.work(queue: queue, handler: handler, session: workerSessions[index], push: pushes[index])
        }
        let control = self.control
        let frontService = ThreadService(
            name: "aegis-rpc", stackSize: 8 << 20,
            onStop: { control.stopping.store(true, ordering: .sequentiallyConsistent) }
        ) { _ in front.run() }
        services = [workers, frontService]
    }

    /// Requests queued for or held by a worker.
    var requestsInFlight: Int { control.inFlight.load(ordering: .relaxed) }

    /// What the front holds and has refused, for `system.stats`.
    var statistics: TransportStatistics { control.statistics.withLock { $0 } }

    /// How long stopping waits for requests in flight to be answered.
    var grace: Duration {
        get { .milliseconds(control.graceMS.load(ordering: .relaxed)) }
        set {
            let ms = Int(newValue.components.seconds * 1000 + newValue.components.attoseconds / 1_000_000_000_000_000)
            control.graceMS.store(ms, ordering: .relaxed)
        }
    }

    // MARK: Worker threads

    private static func work(queue: JobQueue, handler: RequestHandler, session: any StoreSession, push: ZMQSocket) {
        defer { push.close() }
        while let job = queue.take() {
            let reply = handler.handle(job.body, peer: job.peer, session: session)
            // Unbounded inproc pipe: this only fails once the front has gone.
            do { try push.send([RPCFront.ticketFrame(job.ticket), reply], dontWait: true) } catch { continue }
        }
    }
}
