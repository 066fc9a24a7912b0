import AegisDomain
import AegisWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// Transport settings of the RPC endpoint.
public struct RPCSettings: Sendable {
    public var endpoint: String
    public var workers: Int
    /// Largest request body answered normally; bigger ones get
    /// `RESOURCE_EXHAUSTED`.
    public var maxFrameBytes: Int
    /// libzmq's hard cap (`ZMQ_MAXMSGSIZE`): a peer sending more is
    /// disconnected without a reply. Above `maxFrameBytes` so that moderately
    /// oversized requests still get their error reply.
    public var hardMaxFrameBytes: Int64
    /// Requests waiting for a worker, at most, in number and in bytes.
    public var queueCapacity: Int
    public var queueBytes: Int

    /// Bodies up to this size are read on the front thread; bigger ones by
    /// a worker.
    static let frontDecodeLimit = 64 << 10

    public init(
        endpoint: String, workers: Int, maxFrameBytes: Int, queueCapacity: Int = 4096, queueBytes: Int = 256 << 20
    ) {
        self.endpoint = endpoint
        self.workers = workers
        self.maxFrameBytes = maxFrameBytes
        self.hardMaxFrameBytes = Int64(maxFrameBytes) * 4 + 65_536
        self.queueCapacity = queueCapacity
        self.queueBytes = max(queueBytes, maxFrameBytes)
    }
}

/// The RPC front: one thread owns the ROUTER socket and a PULL socket on
/// which workers push their replies; a fixed pool of worker threads, each
/// with its own store session, takes requests from a shared queue. No
/// socket is ever used by two threads.
final class RPCServer: @unchecked Sendable {
    private let settings: RPCSettings
    private let context: ZMQContext
    private let handler: RequestHandler
    private let store: any StoreProvider
    private let logger: Logger
    private let queue: JobQueue
    private let replyEndpoint = "inproc://aegis-replies-\(UInt64.random(in: 0...UInt64.max))"
    private let stopping = Atomic<Bool>(false)
    /// Milliseconds the front waits for in-flight requests once stopping.
    private let graceMS = Atomic<Int>(10_000)
    private let inFlight = Atomic<Int>(0)
    private var threads: [Thread] = []
    private let finished = DispatchGroup()
    /// The endpoint actually bound (resolves `tcp://127.0.0.1:*`).
    private(set) var boundEndpoint = ""
    private var router: ZMQSocket?
    private var replies: ZMQSocket?

    init(
        settings: RPCSettings, context: ZMQContext, handler: RequestHandler, store: any StoreProvider,
        logger: Logger
    ) {
        self.settings = settings
        self.context = context
        self.handler = handler
        self.store = store
        self.logger = logger
        self.queue = JobQueue(capacity: settings.queueCapacity, byteBudget: settings.queueBytes)
    }

    /// Binds the sockets and opens every worker's session, then starts the
    /// threads. Throws if the endpoint cannot be bound or the store opened.
    func start() throws {
        let router = try ZMQSocket(context, .router)
        try router.setMaxMessageSize(settings.hardMaxFrameBytes)
        try router.setRouterMandatory(true)
        try router.setSendHighWaterMark(100_000)
        try router.setReceiveHighWaterMark(100_000)
        try router.setReceiveTimeout(100)
        try router.bind(settings.endpoint)
        boundEndpoint = router.lastEndpoint
        let replies = try ZMQSocket(context, .pull)
        try replies.setReceiveHighWaterMark(0)
        try replies.bind(replyEndpoint)
        self.router = router
        self.replies = replies

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
        spawn("aegis-rpc") { [self] in self.front(router: router, replies: replies) }
    }

    /// Requests queued for or held by a worker.
    var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Stops taking requests, answers those in flight (up to `grace`), then
    /// ends the threads and closes the sockets.
    func stop(grace: Duration) {
        graceMS.store(Int(grace.components.seconds * 1000 + grace.components.attoseconds / 1_000_000_000_000_000), ordering: .relaxed)
        stopping.store(true, ordering: .sequentiallyConsistent)
        _ = finished.wait(timeout: .now() + .milliseconds(graceMS.load(ordering: .relaxed) + 5000))
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

    // MARK: Front thread

    private func front(router: ZMQSocket, replies: ZMQSocket) {
        var poller = ZMQPoller([router, replies])
        var drainDeadline: ContinuousClock.Instant?
        defer {
            // Requests still queued are dropped; workers finish the one they hold.
            queue.close(discardingPending: true)
            router.close()
            replies.close()
        }
        while true {
            if stopping.load(ordering: .relaxed) {
                if drainDeadline == nil { drainDeadline = .now + .milliseconds(graceMS.load(ordering: .relaxed)) }
                if inFlight.load(ordering: .relaxed) == 0 || ContinuousClock.now > drainDeadline! { return }
            }
            if inFlight.load(ordering: .relaxed) == 0, drainDeadline == nil {
                // No worker holds a request, so no reply can arrive: wait on
                // the ROUTER alone (cheaper than polling two sockets). The
                // receive timeout brings us back to check for shutdown.
                do {
                    // One at a time: a blocking receive returns at once when
                    // more are queued, and draining with non-blocking calls
                    // would cost a wasted system call per request.
                    guard let (frames, peer) = try router.receiveWithPeer() else { continue }
                    accept(frames, peer: peer, on: router)
                } catch let error as ZMQError where error.isTerminated {
                    return
                } catch {
                    continue
                }
                continue
            }
            let ready: [Bool]
            do { ready = try poller.poll(timeoutMS: 100) } catch { return }
            if ready[1] { forwardReplies(from: replies, to: router) }
            if ready[0], drainDeadline == nil { acceptRequests(from: router) }
        }
    }

    /// Takes what is waiting on the ROUTER, up to a batch.
    private func acceptRequests(from router: ZMQSocket) {
        for _ in 0..<1024 {
            guard let (frames, peer) = (try? router.receiveWithPeer(dontWait: true)) ?? nil else { return }
            accept(frames, peer: peer, on: router)
        }
    }

    /// Answers one request from memory, or queues it for a worker.
    private func accept(_ frames: [Data], peer: String?, on router: ZMQSocket) {
        guard frames.count >= 2 else { return }
        let identity = frames[0]
        let delimited = frames[1].isEmpty
        let bodyFrames = frames.dropFirst(delimited ? 2 : 1)
        guard bodyFrames.count == 1, let body = bodyFrames.first else {
            reject(
                router, identity, delimited, .invalidRequest,
                "expected exactly one body frame after the delimiter")
            return
        }
        if body.count > settings.maxFrameBytes {
            reject(
                router, identity, delimited, .resourceExhausted,
                "the request is \(body.count) bytes; the limit is \(settings.maxFrameBytes)",
                details: ["max_bytes": .int(Int64(settings.maxFrameBytes))])
            return
        }
        // Large bodies (uploads) are read by a worker, so that decoding them
        // never holds up the small requests the front answers itself.
        let request: Job.Request
        if body.count > RPCSettings.frontDecodeLimit {
            request = .unread(body)
        } else {
            switch handler.triage(body) {
            case .reply(let reply):
                try? router.send(delimited ? [identity, Data(), reply] : [identity, reply], dontWait: true)
                return
            case .work(let envelope):
                request = .read(envelope, bytes: body.count)
            }
        }
        inFlight.add(1, ordering: .relaxed)
        if !queue.offer(Job(identity: identity, delimited: delimited, request: request, peer: peer)) {
            inFlight.subtract(1, ordering: .relaxed)
            reject(router, identity, delimited, .unavailable, "the server is busy; retry")
        }
    }

    private func forwardReplies(from replies: ZMQSocket, to router: ZMQSocket) {
        for _ in 0..<1024 {
            guard let frames = (try? replies.receive(dontWait: true)) ?? nil else { return }
            inFlight.subtract(1, ordering: .relaxed)
            do {
                try router.send(frames, dontWait: true)
            } catch {
                // The client left (EHOSTUNREACH) or stopped reading (EAGAIN).
                logger.debug("reply dropped", metadata: ["reason": .string(String(describing: error))])
            }
        }
    }

    /// Replies from the front itself, for requests that never reach a
    /// worker. The request id is not echoed: the body was not read.
    private func reject(
        _ router: ZMQSocket, _ identity: Data, _ delimited: Bool, _ code: WireErrorCode,
        _ message: String, details: MessagePackMap? = nil
    ) {
        let body = ReplyEnvelope.failure(id: .nil, code: code, message: message, details: details)
        try? router.send(delimited ? [identity, Data(), body] : [identity, body], dontWait: true)
    }

    // MARK: Worker threads

    private func work(session: any StoreSession, push: ZMQSocket) {
        defer { push.close() }
        while let job = queue.take() {
            let reply: Data
            switch job.request {
            case .read(let envelope, _): reply = handler.handle(envelope, peer: job.peer, session: session)
            case .unread(let body): reply = handler.handle(body, peer: job.peer, session: session)
            }
            let frames = job.delimited ? [job.identity, Data(), reply] : [job.identity, reply]
            // Unbounded inproc pipe: this only fails once the front has gone.
            do { try push.send(frames, dontWait: true) } catch { continue }
        }
    }
}
