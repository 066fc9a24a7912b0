import AegisWire
import Foundation
import ZeroMQ

/// One event as published: the topic and the decoded body fields.
public struct AegisEvent: Sendable, Equatable {
    public var seq: Int64
    public var type: String
    public var occurredAt: Date?
    public var source: String
    public var actor: String?
    public var subjectKind: String
    public var subjectID: String
    public var payload: MessagePackMap

    /// Reads an event body (PUB frame 2, or an item of `events.replay`).
    public init?(_ body: MessagePackValue) {
        guard case .map(let m) = body, let seq = m["seq"]?.intValue, let type = m["type"]?.stringValue,
            case .map(let subject)? = m["subject"]
        else { return nil }
        self.seq = seq
        self.type = type
        self.occurredAt = m["occurred_at"]?.dateValue
        self.source = m["source"]?.stringValue ?? ""
        self.actor = m["actor"]?.stringValue
        self.subjectKind = subject["kind"]?.stringValue ?? ""
        self.subjectID = subject["id"]?.stringValue ?? ""
        self.payload = m["payload"]?.mapValue ?? [:]
    }
}

/// A SUB socket on the events endpoint. Not thread-safe.
public final class EventSubscriber {
    private let context: ZMQContext
    private let socket: ZMQSocket

    /// Subscribes to events whose type starts with one of `topics`
    /// (empty: all events).
    public init(endpoint: String, topics: [String] = [""]) throws {
        context = try ZMQContext(ioThreads: 1)
        socket = try ZMQSocket(context, .sub)
        for topic in topics.isEmpty ? [""] : topics { try socket.subscribe(topic) }
        try socket.connect(endpoint)
    }

    deinit {
        socket.close()
        context.terminate()
    }

    /// The next event, or nil after `timeout`.
    public func next(timeout: Duration) throws -> AegisEvent? {
        var poller = ZMQPoller([socket])
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let remaining = deadline - ContinuousClock.now
            let ms = max(1, Int(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            guard try poller.poll(timeoutMS: ms)[0], let frames = try socket.receive(dontWait: true), frames.count == 2
            else { continue }
            if let event = AegisEvent(try MessagePack.decode(frames[1])) { return event }
        }
        return nil
    }
}
