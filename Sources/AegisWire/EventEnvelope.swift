#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An event body published on the events socket after the topic frame (equal to ``type``):
/// `{v, seq, type, occurred_at, source, actor, subject: {kind, id}, payload}`.
public struct EventEnvelope: Sendable, Equatable {
    /// What the event is about.
    public struct Subject: Sendable, Equatable {
        /// The object's kind, e.g. `test`, `technique`.
        public var kind: String
        /// Its id: an ATT&CK id string, or a server-chosen id (string or int).
        public var id: MessagePackValue

        public init(kind: String, id: MessagePackValue) {
            self.kind = kind
            self.id = id
        }
    }

    public var v: Int
    /// Strictly increasing across the deployment.
    public var seq: Int64
    /// The event type, e.g. `test.state_changed`; also the topic.
    public var type: String
    /// When the change committed (encoded as a timestamp).
    public var occurredAt: Date
    /// The daemon instance that published it.
    public var source: String
    /// User or plugin id, or nil.
    public var actor: String?
    public var subject: Subject
    public var payload: MessagePackMap

    public init(
        seq: Int64, type: String, occurredAt: Date, source: String, actor: String?, subject: Subject,
        payload: MessagePackMap = [:], v: Int = RequestEnvelope.currentVersion
    ) {
        self.v = v
        self.seq = seq
        self.type = type
        self.occurredAt = occurredAt
        self.source = source
        self.actor = actor
        self.subject = subject
        self.payload = payload
    }

    /// The topic frame: the type's UTF-8 bytes.
    public var topic: Data { Data(type.utf8) }

    /// The body map, keys in the contract's order; `actor` is always present (nil when none).
    public var value: MessagePackValue {
        .map([
            "v": .int(Int64(v)),
            "seq": .int(seq),
            "type": .string(type),
            "occurred_at": .timestamp(occurredAt),
            "source": .string(source),
            "actor": actor.map(MessagePackValue.string) ?? .nil,
            "subject": .map(["kind": .string(subject.kind), "id": subject.id]),
            "payload": .map(payload),
        ])
    }

    /// The encoded body.
    public func encoded() -> Data { MessagePack.encode(value) }

    /// Reads an event body (subscriber side); a malformed one fails with `INVALID_REQUEST` naming the field.
    public static func parse(_ body: Data, limits: MessagePackLimits = .default) -> Result<EventEnvelope, EnvelopeError> {
        let decoded: MessagePackValue
        do {
            decoded = try MessagePack.decode(body, limits: limits)
        } catch {
            return .failure(EnvelopeError(.invalidRequest, "event is not readable: \(error)", id: nil))
        }
        guard case .map(let map) = decoded else {
            return .failure(EnvelopeError(.invalidRequest, "event body must be a map, not \(decoded.kindName)", id: nil))
        }
        let fields: EnvelopeFields
        switch EnvelopeFields.read(map) {
        case .success(let f): fields = f
        case .failure(let error): return .failure(error)
        }
        let f = fields
        func fail(_ field: String, _ expected: String) -> Result<EventEnvelope, EnvelopeError> {
            .failure(EnvelopeError(.invalidRequest, "event \(field) must be \(expected)", details: ["field": .string(field)], id: nil))
        }
        guard f["v"]?.intValue == Int64(RequestEnvelope.currentVersion) else { return fail("v", "the integer 1") }
        guard let seq = f["seq"]?.intValue else { return fail("seq", "an int") }
        guard let type = f["type"]?.stringValue else { return fail("type", "a string") }
        guard let occurredAt = f["occurred_at"]?.dateValue else { return fail("occurred_at", "a timestamp") }
        guard let source = f["source"]?.stringValue else { return fail("source", "a string") }
        var actor: String?
        switch f["actor"] {
        case nil, .nil?: break
        case .string(let s)?: actor = s
        default: return fail("actor", "a string or nil")
        }
        guard case .map(let subjectMap)? = f["subject"] else { return fail("subject", "a map") }
        guard let kind = subjectMap["kind"]?.stringValue else { return fail("subject.kind", "a string") }
        guard let subjectID = subjectMap["id"], RequestEnvelope.isValidID(subjectID) else {
            return fail("subject.id", "an int or a string")
        }
        var payload = MessagePackMap()
        switch f["payload"] {
        case nil, .nil?: break
        case .map(let m)?: payload = m
        default: return fail("payload", "a map")
        }
        return .success(
            EventEnvelope(
                seq: seq, type: type, occurredAt: occurredAt, source: source, actor: actor,
                subject: Subject(kind: kind, id: subjectID), payload: payload))
    }
}
