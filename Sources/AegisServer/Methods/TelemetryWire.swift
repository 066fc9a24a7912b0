import AegisApp
import AegisDetection
import AegisDomain
import AegisWire
import Foundation

/// Telemetry events between the wire and the engine. An event arrives as a
/// map, or as JSON text (str or bin). Its body is kept as received: the
/// map's MessagePack bytes, or the JSON text. The two are told apart by
/// their first byte (a MessagePack map starts at 0x80 or above, JSON text
/// with `{` or white space), so the stored body needs no marker.
enum TelemetryWire {
    /// One element of `events`, ready for `TelemetryService`.
    static func item(_ element: MessagePackValue, index: Int, source: String?) throws -> TelemetryService.Item {
        switch element {
        case .map:
            let event = try parse(index) { () throws(TelemetryEventError) in
                try TelemetryEvent.from(value(element), source: source)
            }
            return TelemetryService.Item(event: event, body: MessagePack.encode(element))
        case .string(let text):
            let event = try parse(index) { () throws(TelemetryEventError) in try TelemetryEvent.fromJSON(text, source: source) }
            return TelemetryService.Item(event: event, body: Data(text.utf8))
        case .binary(let data):
            let event = try parse(index) { () throws(TelemetryEventError) in try TelemetryEvent.fromJSON(data, source: source) }
            return TelemetryService.Item(event: event, body: data)
        default:
            throw CallFailure(
                code: .invalidArgument, message: "events[\(index)] must be a map or JSON text",
                details: ["field": .string("events[\(index)]")])
        }
    }

    private static func parse(
        _ index: Int, _ body: () throws(TelemetryEventError) -> TelemetryEvent
    ) throws -> TelemetryEvent {
        do { return try body() } catch {
            throw CallFailure(
                code: .invalidArgument, message: "events[\(index)]: \(error.reason)",
                details: ["field": .string("events[\(index)]")])
        }
    }

    /// A stored body read back: the event as a wire value.
    static func event(_ body: Data) -> MessagePackValue {
        if let first = body.first, first >= 0x80,
            let decoded = try? MessagePack.decode(body, limits: MessagePackLimits(maxBytes: max(body.count, 1)))
        {
            return decoded
        }
        guard let decoded = try? JSONDecoder().decode(Value.self, from: body) else {
            return .string(String(decoding: body, as: UTF8.self))
        }
        return MessagePackValue(decoded)
    }

    /// A stored body read back for the engine (`rule.backtest`).
    static func telemetryEvent(_ record: TelemetryRecord) throws -> TelemetryEvent {
        if let first = record.body.first, first >= 0x80 {
            let decoded = try MessagePack.decode(record.body, limits: MessagePackLimits(maxBytes: max(record.body.count, 1)))
            return try TelemetryEvent.from(value(decoded), source: record.source)
        }
        return try TelemetryEvent.fromJSON(record.body, source: record.source)
    }

    /// A wire value as a domain value: unsigned integers past Int64 become
    /// doubles, bytes become base64 text, other extensions nil.
    static func value(_ v: MessagePackValue) -> Value {
        switch v {
        case .nil: .null
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .uint(let u): u <= UInt64(Int64.max) ? .int(Int64(u)) : .double(Double(u))
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .binary(let d): .string(d.base64EncodedString())
        case .array(let a): .array(a.map(value))
        case .map(let m):
            .map(Dictionary(m.map { (($0.key.stringValue ?? "\($0.key)"), value($0.value)) }, uniquingKeysWith: { first, _ in first }))
        case .timestamp(let t): .timestamp(TimestampRange.clamped(t))
        case .ext: .null
        }
    }
}
