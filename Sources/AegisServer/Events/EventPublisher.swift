import AegisDomain
import AegisRuntime
import AegisWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// Sends committed events to the PUB socket, in `seq` order, from a thread
/// that owns the socket. The store hands it each batch of events right after
/// their commit; whatever it has not been handed in order (at start, after a
/// crash, on a gap) it reads from the outbox. It records how far it got in
/// the store (per instance), so events committed before a crash are
/// published after the restart (at least once: subscribers deduplicate by
/// `seq`).
final class EventPublisher: @unchecked Sendable {
    private let context: ZMQContext
    private let endpoint: String
    private let session: any StoreSession
    private let instance: String
    private let logger: Logger
    private let condition = NSCondition()
    private var pending = false
    /// Events handed over after their commit, not yet sent.
    private var inbox: [StoredEvent] = []
    /// Read the outbox on the next round (set at start, and when another
    /// instance may have committed). Guarded by `condition`.
    private var catchUp = true
    private var stopping = false
    private(set) var boundEndpoint = ""
    private var socket: ZMQSocket?
    /// The highest `seq` sent.
    let publishedSeq = Atomic<Int64>(0)

    /// Called with the events read back from the outbox before they are
    /// sent (those another instance committed arrive this way).
    private let onRead: @Sendable ([StoredEvent]) -> Void

    init(
        context: ZMQContext, endpoint: String, session: any StoreSession, instance: String, logger: Logger,
        onRead: @escaping @Sendable ([StoredEvent]) -> Void = { _ in }
    ) {
        self.onRead = onRead
        self.context = context
        self.endpoint = endpoint
        self.session = session
        self.instance = instance
        self.logger = logger
        _ = service
    }

    /// Binds the PUB socket and reads how far publishing got; the thread
    /// starts with ``service``.
    func open() throws {
        let socket = try ZMQSocket(context, .pub)
        try socket.setSendHighWaterMark(100_000)
        try socket.bind(endpoint)
        boundEndpoint = socket.lastEndpoint
        self.socket = socket
        let instance = self.instance
        let resumed = try session.read { try $0.events.publishedSeq(instance: instance) }
        publishedSeq.store(resumed, ordering: .relaxed)
        recordedUpTo = resumed
    }

    /// The publishing thread; stopping publishes what is committed first.
    private(set) lazy var service = ThreadService(
        name: "aegis-publisher",
        onStop: { [weak self] in
            guard let self else { return }
            condition.lock()
            stopping = true
            condition.signal()
            condition.unlock()
        },
        body: { [weak self] _ in
            guard let self, let socket else { return }
            run(socket)
        })

    /// Called after a commit with the events it appended.
    func publish(_ events: [StoredEvent]) {
        condition.lock()
        inbox += events
        pending = true
        condition.signal()
        condition.unlock()
    }

    /// Another instance may have committed events, up to `upTo` when
    /// known: read the outbox, unless they are published already.
    func catchUpFromOutbox(upTo: Int64? = nil) {
        if let upTo, upTo <= publishedSeq.load(ordering: .relaxed) { return }
        condition.lock()
        catchUp = true
        pending = true
        condition.signal()
        condition.unlock()
    }

    /// Publishes what is committed, then stops.
    func stop() { service.stop() }

    private func run(_ socket: ZMQSocket) {
        defer { socket.close() }
        while true {
            condition.lock()
            if !pending && !stopping { _ = condition.wait(until: Date().addingTimeInterval(0.5)) }
            pending = false
            let stop = stopping
            let handed = inbox
            inbox.removeAll(keepingCapacity: true)
            let readOutbox = catchUp
            catchUp = false
            condition.unlock()
            // From memory when the handed events continue the sequence; from
            // the outbox at start, on the periodic poll, and after any gap.
            // The last round reads the outbox too: a batch whose callers were
            // answered may not have been handed over yet.
            if handed.isEmpty || !publishHanded(handed, socket) || readOutbox || stop {
                publishCommitted(socket)
            } else {
                try? recordWatermark(force: false)
            }
            if stop {
                try? recordWatermark(force: true)
                return
            }
        }
    }

    /// The watermark last written to the store, and when.
    private var recordedUpTo: Int64 = -1
    private var recordedAt = ContinuousClock.now

    /// Writes how far publishing got, at most twice a second (and at stop):
    /// after a crash at most that much is published again, which
    /// subscribers deduplicate by `seq`.
    private func recordWatermark(force: Bool) throws {
        let sent = publishedSeq.load(ordering: .relaxed)
        guard sent > recordedUpTo, force || ContinuousClock.now - recordedAt >= .milliseconds(500) else { return }
        let instance = self.instance
        try session.write { try $0.events.recordPublished(instance: instance, seq: sent) }
        recordedUpTo = sent
        recordedAt = ContinuousClock.now
    }

    /// Sends events handed over in memory while they continue the sequence;
    /// anything out of order is left for `publishCommitted` to read back.
    /// Returns false when it met a gap (or could not send).
    private func publishHanded(_ events: [StoredEvent], _ socket: ZMQSocket) -> Bool {
        // On a shared store they may include other instances' events.
        onRead(events)
        for event in events {
            let sent = publishedSeq.load(ordering: .relaxed)
            if event.seq <= sent { continue }
            guard event.seq == sent + 1 else { return false }
            do {
                try socket.send([Data(event.event.type.rawValue.utf8), MessagePack.encode(EventWire.body(event))])
            } catch {
                return false
            }
            publishedSeq.store(event.seq, ordering: .relaxed)
        }
        return true
    }

    private func publishCommitted(_ socket: ZMQSocket) {
        do {
            var after = publishedSeq.load(ordering: .relaxed)
            while true {
                let batch = try session.read { try $0.events.events(after: after, limit: 500) }
                if !batch.isEmpty { onRead(batch) }
                for event in batch {
                    let body = MessagePack.encode(EventWire.body(event))
                    try socket.send([Data(event.event.type.rawValue.utf8), body])
                    after = event.seq
                    publishedSeq.store(after, ordering: .relaxed)
                }
                if batch.count < 500 { break }
            }
            try recordWatermark(force: false)
        } catch {
            logger.warning("publishing events failed; will retry", metadata: ["error": .string(String(describing: error))])
        }
    }
}
