import AegisDetection
import AegisDomain
import AegisWire
import Foundation
import Synchronization

/// The events of the ingest benchmark, deterministic: each SigmaHQ
/// regression event followed by 20 background events derived from it (the
/// same shape and routing, each text value replaced by an ordinary one, as
/// `EngineBench.background` does), so most events match nothing. Every
/// event sent gets a fresh `EventRecordID` (as real events have), so no
/// event repeats and each match makes a new detection.
struct IngestWorkload {
    /// Event maps, a regression event at every index divisible by 21.
    let events: [Value]
    let positives: Int

    static let backgroundPerEvent = 20

    static func load(sharedData: URL) throws -> IngestWorkload {
        let folder = sharedData.appendingPathComponent("sigma-regression/regression_data")
        var originals: [Value] = []
        for url in EngineBench.files(folder, "json") {
            for text in try TelemetryEvent.jsonTexts(try Data(contentsOf: url)) {
                originals.append(try JSONDecoder().decode(Value.self, from: text))
            }
        }
        var events: [Value] = []
        for (i, event) in originals.enumerated() {
            events.append(event)
            for k in 0..<backgroundPerEvent { events.append(background(event, seed: i * backgroundPerEvent + k)) }
        }
        return IngestWorkload(events: events, positives: originals.count)
    }

    private static let keep: Set<String> = [
        "EventID", "Channel", "Computer", "Name", "@Name", "Guid", "SystemTime", "UtcTime", "EventType", "xmlns",
    ]

    /// Text values replaced (but those that route or name fields), numbers kept.
    static func background(_ value: Value, seed: Int, key: String = "") -> Value {
        switch value {
        case .map(let map):
            return .map(Dictionary(uniqueKeysWithValues: map.map { ($0.key, background($0.value, seed: seed, key: $0.key)) }))
        case .array(let items):
            return .array(items.map { background($0, seed: seed, key: key) })
        case .string where !keep.contains(key):
            let n = (seed &* 2_654_435_761 &+ key.utf8.count) % 997
            return .string("C:\\Program Files\\Vendor\(n)\\Component\\service\(n % 37).dat --mode \(n % 5) --id \(seed)")
        default:
            return value
        }
    }

    /// `event` with `EventRecordID` set to `number` (in `Event.System` for
    /// a Windows event, else at the top).
    static func numbered(_ event: Value, _ number: Int64) -> Value {
        guard case .map(var root) = event else { return event }
        if case .map(var windows)? = root["Event"], case .map(var system)? = windows["System"] {
            system["EventRecordID"] = .int(number)
            windows["System"] = .map(system)
            root["Event"] = .map(windows)
        } else {
            root["EventRecordID"] = .int(number)
        }
        return .map(root)
    }

    /// `count` events from `start` (wrapping), each numbered with a
    /// placeholder the batch finds and overwrites on every send.
    func batch(start: Int, count: Int, json: Bool, key: String) throws -> IngestBatch {
        var items: [MessagePackValue] = []
        for k in 0..<count {
            let event = Self.numbered(events[(start + k) % events.count], IngestBatch.placeholder(k, json: json))
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                items.append(.string(String(decoding: try encoder.encode(event), as: UTF8.self)))
            } else {
                items.append(Self.wire(event))
            }
        }
        let body = RequestEnvelope(
            id: .int(1), method: "telemetry.ingest", params: ["events": .array(items), "source": "sysmon"], auth: key
        ).encoded()
        return try IngestBatch(body: body, count: count, json: json)
    }

    /// A domain value as a wire value (map keys sorted, so bodies are stable).
    static func wire(_ value: Value) -> MessagePackValue {
        switch value {
        case .null: .nil
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .timestamp(let t): .timestamp(t)
        case .array(let a): .array(a.map(wire))
        case .map(let m): .map(MessagePackMap(m.sorted { $0.key < $1.key }.map { (MessagePackValue.string($0.key), wire($0.value)) }))
        }
    }

    /// Each event's body as the daemon stores it (its MessagePack map).
    func bodies() -> [Data] {
        events.enumerated().map { MessagePack.encode(Self.wire(Self.numbered($1, Int64(0x8000_0000 + $0)))) }
    }
}

/// One encoded `telemetry.ingest` request whose events' `EventRecordID`s
/// are rewritten in place before each send.
struct IngestBatch {
    private(set) var body: Data
    let count: Int
    let json: Bool
    /// Byte offset of each event's number (4 big-endian bytes after 0xce,
    /// or 10 decimal digits in JSON text).
    private let slots: [Int]

    /// Numbers handed out, process-wide: never the same event twice.
    static let next = Atomic<UInt64>(0x8000_0000)

    static func placeholder(_ k: Int, json: Bool) -> Int64 { json ? 9_600_000_000 + Int64(k) : 0xF000_0000 + Int64(k) }

    init(body: Data, count: Int, json: Bool) throws {
        self.body = body
        self.count = count
        self.json = json
        var slots: [Int] = []
        var from = body.startIndex
        for k in 0..<count {
            let value = Self.placeholder(k, json: json)
            let pattern =
                json
                ? Data(String(value).utf8)
                : Data([0xce] + withUnsafeBytes(of: UInt32(value).bigEndian) { Array($0) })
            guard let found = body.range(of: pattern, in: from..<body.endIndex) else {
                throw BenchError("event \(k) of a batch has no number to rewrite")
            }
            slots.append(json ? found.lowerBound : found.lowerBound + 1)
            from = found.upperBound
        }
        self.slots = slots
    }

    /// Gives every event a fresh number; the body is ready to send.
    mutating func renumber() {
        let first = Self.next.add(UInt64(count), ordering: .relaxed).oldValue
        let slots = self.slots, json = self.json
        body.withUnsafeMutableBytes { (bytes: UnsafeMutableRawBufferPointer) in
            for (k, offset) in slots.enumerated() {
                let n = first + UInt64(k)
                if json {
                    var v = n
                    for i in (0..<10).reversed() {
                        bytes[offset + i] = UInt8(ascii: "0") + UInt8(v % 10)
                        v /= 10
                    }
                } else {
                    let be = UInt32(truncatingIfNeeded: n).bigEndian
                    withUnsafeBytes(of: be) { for i in 0..<4 { bytes[offset + i] = $0[i] } }
                }
            }
        }
    }
}
