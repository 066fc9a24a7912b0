import AegisDomain
import AegisWire

/// The wire form of an event: the body published on PUB (after the topic
/// frame) and returned by `events.replay`.
enum EventWire {
    static func body(_ stored: StoredEvent) -> MessagePackValue {
        .map([
            "v": .int(1),
            "seq": .int(stored.seq),
            "type": .string(stored.event.type.rawValue),
            "occurred_at": .timestamp(stored.occurredAt),
            "source": .string(stored.source),
            "actor": stored.event.actor.map(MessagePackValue.string) ?? .nil,
            "subject": .map(["kind": .string(stored.event.subject.kind), "id": .string(stored.event.subject.id)]),
            "payload": .map(MessagePackMap(sorted: stored.event.payload)),
        ])
    }
}
