import AegisWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// What the RPC front holds and has refused, for `system.stats`.
public struct TransportStatistics: Sendable, Equatable {
    /// Connections whose unread replies are tracked.
    public var connections = 0
    /// Reply bytes sent and not yet received, over all connections (an
    /// upper bound, refreshed as connections read).
    public var unreadBytes: UInt64 = 0
    /// Requests queued for or held by a worker, and their bodies' bytes.
    public var requestsInFlight = 0
    public var pendingRequestBytes = 0
    /// Replies replaced by `RESOURCE_EXHAUSTED` because their connection
    /// was not reading.
    public var refusedUnread = 0
    /// Requests refused with `RATE_LIMITED`: their caller had too many in flight.
    public var refusedInFlight = 0
    /// Requests refused with `UNAVAILABLE`: the queue was full.
    public var refusedBusy = 0
    /// Replies libzmq could not queue (the connection's message limit).
    public var droppedReplies = 0
}

/// The RPC front thread: takes requests off the ROUTER, answers what it
/// can from memory, queues the rest for the workers, and sends every
/// reply. It alone owns the ROUTER, so everything the transport bounds
/// (requests held, requests per caller, unread reply bytes per
/// connection) is counted here without locks.
final class RPCFront: @unchecked Sendable {
    /// Shared with the owning ``RPCServer``.
    final class Control: Sendable {
        let stopping = Atomic<Bool>(false)
        /// Milliseconds the front waits for in-flight requests once stopping.
        let graceMS = Atomic<Int>(10_000)
        let inFlight = Atomic<Int>(0)
        let statistics = Mutex(TransportStatistics())
    }

    /// A request handed to a worker, under its ticket.
    private struct Pending {
        var identity: Data
        var delimited: Bool
        var caller: Caller
        var bytes: Int
        var acceptedAt: ContinuousClock.Instant
    }

    private let settings: RPCSettings
    private let router: ZMQSocket
    private let replies: ZMQSocket
    private let monitor: ZMQMonitor
    private let queue: JobQueue
    private let handler: RequestHandler
    private let control: Control
    private let logger: Logger

    private var pending: [UInt64: Pending] = [:]
    private var nextTicket: UInt64 = 0
    private var pendingBytes = 0
    private var limiter: InFlightLimiter
    private var unread: UnreadReplies
    private var counts = TransportStatistics()
    private var nextHousekeeping = ContinuousClock.now
    private var nextPrune = ContinuousClock.now + .seconds(60)
    /// The most bytes held for clients since the heap was last trimmed.
    /// The resident size after the last trim (nil before the first check).
    private var settledResident: Int64?
    private var nextTrimCheck = ContinuousClock.now

    init(
        settings: RPCSettings, router: ZMQSocket, replies: ZMQSocket, monitor: ZMQMonitor, queue: JobQueue,
        handler: RequestHandler, control: Control, logger: Logger
    ) {
        self.settings = settings
        self.router = router
        self.replies = replies
        self.monitor = monitor
        self.queue = queue
        self.handler = handler
        self.control = control
        self.logger = logger
        self.limiter = InFlightLimiter(limit: settings.maxInFlightPerCaller)
        self.unread = UnreadReplies(perPeer: settings.maxUnreadBytesPerPeer, total: settings.maxUnreadBytesTotal)
    }

    static func ticketFrame(_ ticket: UInt64) -> Data { withUnsafeBytes(of: ticket.littleEndian) { Data($0) } }

    private static func ticket(_ frame: Data) -> UInt64? {
        guard frame.count == 8 else { return nil }
        return UInt64(littleEndian: frame.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }

    // MARK: The loop

    func run() {
        var poller = ZMQPoller([router, replies])
        var drainPoller = ZMQPoller([replies])
        var drainDeadline: ContinuousClock.Instant?
        defer {
            // Requests still queued are dropped when the workers stop (they
            // finish the one they hold).
            router.close()
            replies.close()
            monitor.close()
        }
        while true {
            if control.stopping.load(ordering: .relaxed) {
                let deadline = drainDeadline ?? .now + .milliseconds(control.graceMS.load(ordering: .relaxed))
                drainDeadline = deadline
                if pending.isEmpty || ContinuousClock.now > deadline { return }
            }
            housekeeping()
            if pending.isEmpty, drainDeadline == nil {
                // No worker holds a request, so no reply can arrive: wait on
                // the ROUTER alone (cheaper than polling two sockets). The
                // receive timeout brings us back to check for shutdown.
                do {
                    // One at a time: a blocking receive returns at once when
                    // more are queued, and draining with non-blocking calls
                    // would cost a wasted system call per request.
                    guard let (frames, peer) = try router.receiveWithPeer() else { continue }
                    accept(frames, peer: peer)
                } catch let error as ZMQError where error.isTerminated {
                    return
                } catch {
                    continue
                }
                continue
            }
            // Draining: requests waiting on the ROUTER are left there, so
            // only the replies are watched (else the poll would spin).
            let ready: [Bool]
            do {
                ready = drainDeadline == nil ? try poller.poll(timeoutMS: 100) : try drainPoller.poll(timeoutMS: 100)
            } catch { return }
            if ready[ready.count - 1] { forwardReplies() }
            if drainDeadline == nil, ready[0] { acceptRequests() }
        }
    }

    /// Takes what is waiting on the ROUTER, up to a batch.
    private func acceptRequests() {
        for _ in 0..<1024 {
            guard let (frames, peer) = (try? router.receiveWithPeer(dontWait: true)) ?? nil else { return }
            accept(frames, peer: peer)
        }
    }

    /// Every 100 ms: closed connections leave the ledger, idle ones that
    /// hold nothing are pruned (each minute), and the figures are published.
    private func housekeeping() {
        let now = ContinuousClock.now
        guard now >= nextHousekeeping else { return }
        nextHousekeeping = now + .milliseconds(100)
        noteDisconnects()
        if now >= nextPrune {
            nextPrune = now + .seconds(60)
            unread.prune(idleSince: now - .seconds(600))
        }
        let tracked = unread.tracked
        returnFreedMemory(held: Int(clamping: tracked.unreadBytes) + pendingBytes)
        counts.connections = tracked.connections
        counts.unreadBytes = tracked.unreadBytes
        counts.requestsInFlight = pending.count
        counts.pendingRequestBytes = pendingBytes
        counts.refusedUnread = unread.refusedReplies
        let published = counts
        control.statistics.withLock { $0 = published }
    }

    /// Gives freed heap back to the system. Replies and requests are freed
    /// in libzmq's and the workers' heap arenas, which keep the pages
    /// otherwise: after a burst, or once a client that read nothing has
    /// gone (libzmq frees its replies a moment after the disconnect), the
    /// resident size would stay at its peak. Every second, when the
    /// resident size exceeds what it was after the last trim, plus what is
    /// held for clients now, by 8 MiB, the heap is trimmed.
    private func returnFreedMemory(held: Int) {
        let now = ContinuousClock.now
        guard now >= nextTrimCheck else { return }
        nextTrimCheck = now + .seconds(1)
        guard let resident = ServerFigures.residentBytes else { return }
        if let settled = settledResident, resident <= settled + Int64(held) + (8 << 20) { return }
        MallocTrim.run()
        settledResident = ServerFigures.residentBytes
        logger.debug("heap trimmed", metadata: ["resident_before": .stringConvertible(resident), "held": .stringConvertible(held)])
    }

    private func noteDisconnects() {
        for event in monitor.drain() where event.isDisconnect {
            unread.disconnected(descriptor: event.value)
        }
    }

    // MARK: Requests

    /// Answers one request from memory, or queues it for a worker.
    private func accept(_ frames: [Data], peer: ZMQPeer) {
        guard frames.count >= 2 else { return }
        let identity = frames[0]
        let delimited = frames[1].isEmpty
        // A new connection may reuse a closed one's descriptor: note the
        // closings first (libzmq announces them before the reuse).
        if !unread.isTracked(identity) { noteDisconnects() }
        unread.saw(identity, peer: peer, now: .now)
        let bodyFrames = frames.dropFirst(delimited ? 2 : 1)
        guard bodyFrames.count == 1, let body = bodyFrames.first else {
            reject(identity, delimited, .invalidRequest, "expected exactly one body frame after the delimiter")
            return
        }
        if body.count > settings.maxFrameBytes {
            reject(
                identity, delimited, .resourceExhausted,
                "the request is \(body.count) bytes; the limit is \(settings.maxFrameBytes)",
                details: ["max_bytes": .int(Int64(settings.maxFrameBytes))])
            return
        }
        // A connection that leaves its replies unread is not served until it
        // reads: refused before any work is done for it.
        if unread.isFull(identity) {
            let id = body.count <= RPCSettings.frontDecodeLimit ? (try? RequestEnvelope.parse(body).get())?.id : nil
            deliver(notReading(identity, id: id, ran: false), to: identity, delimited: delimited, checked: false)
            return
        }
        // Large bodies (uploads) are read by a worker, so that decoding them
        // never holds up the small requests the front answers itself.
        let caller: Caller
        var id: MessagePackValue?
        if body.count > RPCSettings.frontDecodeLimit {
            caller = .connection(identity)
        } else {
            switch handler.triage(body) {
            case .reply(let reply):
                deliver(reply, to: identity, delimited: delimited)
                return
            case .work(let envelope, let principalID):
                id = envelope.id
                if let principalID {
                    caller = .principal(principalID)
                } else if let token = envelope.auth, !token.isEmpty {
                    caller = .credential(token)
                } else {
                    caller = .connection(identity)
                }
            }
        }
        guard limiter.admit(caller, connection: identity) else {
            counts.refusedInFlight += 1
            reject(
                identity, delimited, .rateLimited,
                "too many requests in flight (at most \(settings.maxInFlightPerCaller) per caller); wait for replies",
                details: ["retry_after_ms": .int(limiter.retryAfterMS)], id: id)
            return
        }
        nextTicket &+= 1
        let job = Job(ticket: nextTicket, body: body, peer: peer.address)
        guard pendingBytes + body.count <= settings.maxPendingRequestBytes, queue.offer(job) else {
            limiter.release(caller, connection: identity, elapsed: nil)
            counts.refusedBusy += 1
            reject(identity, delimited, .unavailable, "the server is busy; retry", id: id)
            return
        }
        pending[nextTicket] = Pending(
            identity: identity, delimited: delimited, caller: caller, bytes: body.count, acceptedAt: .now)
        pendingBytes += body.count
        control.inFlight.store(pending.count, ordering: .relaxed)
    }

    /// Replies from the front itself, for requests that never reach a
    /// worker; the id is echoed when the front read it.
    private func reject(
        _ identity: Data, _ delimited: Bool, _ code: WireErrorCode, _ message: String,
        details: MessagePackMap? = nil, id: MessagePackValue? = nil
    ) {
        deliver(
            ReplyEnvelope.failure(id: id ?? .nil, code: code, message: message, details: details),
            to: identity, delimited: delimited)
    }

    // MARK: Replies

    private func forwardReplies() {
        for _ in 0..<1024 {
            guard let frames = (try? replies.receive(dontWait: true)) ?? nil else { return }
            guard frames.count == 2, let ticket = Self.ticket(frames[0]), let job = pending.removeValue(forKey: ticket)
            else { continue }
            pendingBytes -= job.bytes
            control.inFlight.store(pending.count, ordering: .relaxed)
            limiter.release(job.caller, connection: job.identity, elapsed: .now - job.acceptedAt)
            deliver(frames[1], to: job.identity, delimited: job.delimited)
        }
    }

    /// Sends `reply`, or, when its connection already leaves too much
    /// unread, a short refusal in its place.
    private func deliver(_ reply: Data, to identity: Data, delimited: Bool, checked: Bool = true) {
        var body = reply
        if checked {
            if unread.mayReceive(identity, bytes: UnreadReplies.wireBytes(body: reply.count, delimited: delimited)) {
                if let lost = unread.recovered(identity) {
                    logger.notice(
                        "a connection reads its replies again",
                        metadata: ["peer": .string(unread.address(identity) ?? "?"), "refused": .stringConvertible(lost)])
                }
            } else {
                body = notReading(identity, id: ReplyEnvelope.echoedID(in: reply), ran: true)
            }
        }
        do {
            try router.send(delimited ? [identity, Data(), body] : [identity, body], dontWait: true)
            unread.sent(identity, bytes: UnreadReplies.wireBytes(body: body.count, delimited: delimited))
        } catch let error as ZMQError where error.isUnroutable {
            unread.forget(identity)  // the client left
        } catch {
            // Its message limit is reached: it has left ten thousand replies unread.
            counts.droppedReplies += 1
        }
    }

    /// The refusal sent to a connection that does not read, logged once per
    /// episode: in place of a request it did not run (`ran` false), or of
    /// the reply to one that ran (`ran` true: its effect stands).
    private func notReading(_ identity: Data, id: MessagePackValue?, ran: Bool) -> Data {
        let unreadBytes = unread.unread(identity)
        if unread.refused(identity) {
            logger.warning(
                "a connection is not reading its replies; refusing its requests until it does",
                metadata: [
                    "peer": .string(unread.address(identity) ?? "?"), "unread_bytes": .stringConvertible(unreadBytes),
                    "max_unread_bytes": .stringConvertible(settings.maxUnreadBytesPerPeer),
                ])
        }
        let why = "replies to this connection are not being read (\(unreadBytes) bytes unread, "
            + "at most \(settings.maxUnreadBytesPerPeer) per connection)"
        return ReplyEnvelope.failure(
            id: id ?? .nil, code: .resourceExhausted,
            message: ran ? "the request ran, but its reply was dropped: \(why)" : "\(why); read them, then retry",
            details: [
                "unread_bytes": .int(Int64(clamping: unreadBytes)),
                "max_unread_bytes": .int(Int64(settings.maxUnreadBytesPerPeer)),
                "ran": .bool(ran),
            ])
    }
}
