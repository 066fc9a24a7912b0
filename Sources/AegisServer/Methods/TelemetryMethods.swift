import AegisApp
import AegisDomain
import AegisWire
import Foundation

/// `telemetry.*`: events in (evaluated by the rule engine, kept for the
/// retention period), and one read back.
enum TelemetryMethods {
    static let all: [MethodHandler] = [
        // Decoded by hand: the batch's size is checked before any event is
        // converted, and each event's bytes are kept as received.
        MethodHandler(name: "telemetry.ingest") { raw, scope in
            var events: [MessagePackValue]?
            var source: String?
            for (key, value) in raw {
                switch (key.stringValue, value) {
                case ("events", .array(let list)): events = list
                case ("source", .string(let text)): source = text
                case ("source", .nil): source = nil
                case ("events", _), ("source", _):
                    let field = key.stringValue ?? "params"
                    throw CallFailure(
                        code: .invalidArgument, message: "\(field) has the wrong type", details: ["field": .string(field)])
                default:
                    let field = key.stringValue ?? "params"
                    throw CallFailure(
                        code: .invalidArgument, message: "telemetry.ingest takes no parameter \(field)",
                        details: ["field": .string(field)])
                }
            }
            guard let events else {
                throw CallFailure(code: .invalidArgument, message: "events is required", details: ["field": "events"])
            }
            try TelemetryService.checkBatch(events.count)
            let items = try events.enumerated().map { try TelemetryWire.item($1, index: $0, source: source) }
            let result = try TelemetryService(env: scope.env, context: scope.context)
                .ingest(items, source: source, book: scope.rules)
            return try MethodHandler.wire(result)
        }.allocatingHeavily(),
        .method("telemetry.get", IDParams.self) { p, scope in
            EventView(try TelemetryService(env: scope.env, context: scope.context).event(id: p.id))
        },
    ]

    /// A stored event with its body read back.
    struct EventView: Encodable, Sendable {
        var record: TelemetryRecord

        init(_ record: TelemetryRecord) { self.record = record }

        enum Key: String, CodingKey {
            case id, host, source, agent, event
            case receivedAt = "received_at"
            case occurredAt = "occurred_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(record.id, forKey: .id)
            try c.encode(record.receivedAt, forKey: .receivedAt)
            try c.encode(record.occurredAt, forKey: .occurredAt)
            try c.encode(record.host, forKey: .host)
            try c.encode(record.source, forKey: .source)
            try c.encode(record.agent, forKey: .agent)
            try c.encode(TelemetryWire.event(record.body), forKey: .event)
        }
    }
}
