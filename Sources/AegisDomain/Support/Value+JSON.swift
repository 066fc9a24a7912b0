import Foundation

extension Value {
    /// Compact JSON text, written by hand: this runs inside every write
    /// transaction (audit changes, event payloads), where `JSONEncoder`'s
    /// generality costs more than the rest of the row. Keys are sorted;
    /// a timestamp is written as `{"$timestamp": <seconds since 1970>}`
    /// (clamped into `TimestampRange`), so that `init(storedJSON:)` gives it
    /// back as a timestamp.
    public var jsonText: String {
        var out = ""
        out.reserveCapacity(64)
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? "\(d)" : "null"
        case .timestamp(let t):
            out += "{\"\(Value.timestampKey)\":\(TimestampRange.clamped(t).timeIntervalSince1970)}"
        case .string(let s): Value.writeString(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .map(let map):
            out += "{"
            for (i, key) in map.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                Value.writeString(key, into: &out)
                out += ":"
                map[key]?.write(into: &out)
            }
            out += "}"
        }
    }

    /// The key of the one-entry map that stands for a timestamp in stored JSON.
    static let timestampKey = "$timestamp"

    /// Reads JSON written by `jsonText`, timestamps included (clamped into
    /// `TimestampRange`, whatever was written); nil if `text` is not JSON.
    public init?(storedJSON text: String) {
        guard let value = try? JSONDecoder().decode(Value.self, from: Data(text.utf8)) else { return nil }
        self = value.restoringTimestamps()
    }

    private func restoringTimestamps() -> Value {
        switch self {
        case .array(let items): return .array(items.map { $0.restoringTimestamps() })
        case .map(let map):
            if map.count == 1, let seconds = map[Value.timestampKey] {
                switch seconds {
                case .int(let i): return .timestamp(TimestampRange.clamped(Date(timeIntervalSince1970: TimeInterval(i))))
                case .double(let d): return .timestamp(TimestampRange.clamped(Date(timeIntervalSince1970: d)))
                default: break
                }
            }
            return .map(map.mapValues { $0.restoringTimestamps() })
        default: return self
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
