import AegisDomain
import Foundation

/// Why an event was refused.
public struct TelemetryEventError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// One telemetry event, normalized for rule evaluation: its fields under
/// the names rules look them up by (see docs/DETECTION.md, "Field
/// resolution"), its own time and host when it carries them, the source
/// kind the caller named, and the log source it was classified as.
public struct TelemetryEvent: Sendable {
    /// Lookup names → a scalar, or an array of scalars for a repeated field.
    public let fields: [String: Value]
    /// The event's own time; nil when it has none (the caller uses received time).
    public let time: Date?
    /// The host it happened on; nil when it names none.
    public let host: String?
    /// The source kind the caller passed (`sysmon`, `windows_security`, `ecs`...), lower case.
    public let source: String?
    /// Product, service and categories, from the event's shape.
    public let logSource: EventLogSource
    /// Whether it came as a Windows event (`Event.System`, `Event.EventData`).
    public let isWindowsEvent: Bool

    /// Deepest nesting accepted, in maps and arrays.
    public static let maxDepth = 64
    /// Most leaf values accepted.
    public static let maxFields = 10_000
    /// Largest JSON text accepted.
    public static let maxJSONBytes = 8 << 20

    /// An event from already-flat fields (`CommandLine`, `process.command_line`...).
    public init(fields: [String: Value], source: String? = nil) {
        self.init(fields: fields, source: source, windows: false)
    }

    init(fields: [String: Value], source: String?, windows: Bool) {
        self.fields = fields
        self.source = source.map { $0.lowercased() }
        self.isWindowsEvent = windows
        self.time = EventTime.of(fields)
        self.host = EventFieldNames.host.lazy.compactMap { fields[$0].flatMap(EventValues.firstString) }.first
        self.logSource = LogSourceRouting.classify(fields)
    }

    /// An event given as a map (from the wire). Throws when it is not a map,
    /// nests deeper than `maxDepth` or has more than `maxFields` values.
    public static func from(_ value: Value, source: String? = nil) throws(TelemetryEventError) -> TelemetryEvent {
        guard case .map(let root) = value else { throw TelemetryEventError("an event must be a map") }
        let flat = try EventFlattener.flatten(root)
        return TelemetryEvent(fields: flat.fields, source: source, windows: flat.windows)
    }

    /// An event given as one JSON object.
    public static func fromJSON(_ text: String, source: String? = nil) throws(TelemetryEventError) -> TelemetryEvent {
        try fromJSON(Data(text.utf8), source: source)
    }

    /// An event given as one JSON object (UTF-8). Size and depth are checked
    /// before anything is decoded.
    public static func fromJSON(_ data: Data, source: String? = nil) throws(TelemetryEventError) -> TelemetryEvent {
        guard data.count <= maxJSONBytes else {
            throw TelemetryEventError("the event is \(data.count) bytes; at most \(maxJSONBytes) are accepted")
        }
        let spans = try JSONScanner.topLevelValues(data, maxDepth: maxDepth)
        guard spans.count == 1, let span = spans.first else {
            throw TelemetryEventError(spans.isEmpty ? "no JSON value" : "more than one JSON value; send one event each")
        }
        guard data[data.startIndex + span.lowerBound] == UInt8(ascii: "{") else {
            throw TelemetryEventError("an event must be a JSON object")
        }
        let value: Value
        do { value = try JSONDecoder().decode(Value.self, from: data) } catch {
            throw TelemetryEventError("not valid JSON")
        }
        return try from(value, source: source)
    }

    /// Each JSON value in `data`: one object, JSON lines, or objects one
    /// after another (as SigmaHQ's regression files hold them).
    public static func manyFromJSON(_ data: Data, source: String? = nil) throws(TelemetryEventError) -> [TelemetryEvent] {
        guard data.count <= maxJSONBytes * 16 else { throw TelemetryEventError("the file is too large") }
        var events: [TelemetryEvent] = []
        for span in try JSONScanner.topLevelValues(data, maxDepth: maxDepth) {
            let slice = data[(data.startIndex + span.lowerBound)..<(data.startIndex + span.upperBound)]
            events.append(try fromJSON(Data(slice), source: source))
        }
        return events
    }
}

/// Where time and host come from, first found wins.
enum EventFieldNames {
    static let time = ["TimeCreated_SystemTime", "SystemTime", "@timestamp", "timestamp", "UtcTime", "event.created"]
    static let host = ["Computer", "host.name", "host.hostname", "hostname"]
}

/// Reading scalar values as rules see them.
enum EventValues {
    /// The text form of a scalar: integers without a fraction, booleans as
    /// `true`/`false`; nil for null, maps and arrays.
    static func text(_ value: Value) -> String? {
        switch value {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): b ? "true" : "false"
        case .timestamp(let date): EventTime.iso8601(date)
        case .null, .array, .map: nil
        }
    }

    static func firstString(_ value: Value) -> String? {
        if case .array(let items) = value { return items.lazy.compactMap(text).first }
        return text(value)
    }
}
