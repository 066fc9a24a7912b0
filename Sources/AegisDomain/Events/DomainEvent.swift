import Foundation

/// A committed change announced on the events socket. Written to the
/// outbox in the same transaction as the change; `seq` is assigned there.
public struct DomainEvent: Sendable, Equatable {
    /// What an event is about.
    public struct Subject: Sendable, Equatable, Codable {
        public var kind: String
        public var id: String
        public init(kind: String, id: String) {
            self.kind = kind
            self.id = id
        }
    }

    /// Event type and PUB topic (`EventType`).
    public var type: EventType
    public var subject: Subject
    /// Principal that caused it (`api_key:...`), nil for the system.
    public var actor: String?
    public var payload: [String: Value]

    public init(type: EventType, subject: Subject, actor: String?, payload: [String: Value]) {
        self.type = type
        self.subject = subject
        self.actor = actor
        self.payload = payload
    }
}

/// An event as the outbox holds it.
public struct StoredEvent: Sendable, Equatable {
    public var seq: Int64
    public var occurredAt: Date
    /// The daemon instance that committed it.
    public var source: String
    public var event: DomainEvent

    public init(seq: Int64, occurredAt: Date, source: String, event: DomainEvent) {
        self.seq = seq
        self.occurredAt = occurredAt
        self.source = source
        self.event = event
    }
}
