import AegisWire
import Foundation
import Testing

/// JSON as written in protocol/vectors, objects kept in file order.
indirect enum JSON: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    subscript(key: String) -> JSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    var int: Int? { if case .number(let n) = self { return Int(n) } else { return nil } }
    var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    var isNull: Bool { if case .null = self { return true } else { return false } }
}

struct VectorError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A minimal strict JSON reader (enough for the vector files).
struct JSONReader {
    private let bytes: [UInt8]
    private var i = 0

    static func parse(_ data: Data) throws -> JSON {
        var reader = JSONReader(bytes: Array(data))
        let value = try reader.value()
        reader.skipSpace()
        guard reader.i == reader.bytes.count else { throw VectorError("JSON: trailing data") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x0a, 0x0d, 0x09].contains(bytes[i]) { i += 1 }
    }

    private mutating func expect(_ literal: String) throws {
        for b in literal.utf8 {
            guard i < bytes.count, bytes[i] == b else { throw VectorError("JSON: expected \(literal) at \(i)") }
            i += 1
        }
    }

    private mutating func value() throws -> JSON {
        skipSpace()
        guard i < bytes.count else { throw VectorError("JSON: unexpected end") }
        switch bytes[i] {
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "["):
            i += 1
            var items: [JSON] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try value())
                skipSpace()
                guard i < bytes.count else { throw VectorError("JSON: unterminated array") }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                try expect(",")
            }
        case UInt8(ascii: "{"):
            i += 1
            var pairs: [(String, JSON)] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                try expect(":")
                pairs.append((key, try value()))
                skipSpace()
                guard i < bytes.count else { throw VectorError("JSON: unterminated object") }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
                try expect(",")
            }
        default:
            let start = i
            while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
            guard i > start else { throw VectorError("JSON: unexpected byte at \(i)") }
            return .number(String(decoding: bytes[start..<i], as: UTF8.self))
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw VectorError("JSON: bad \\u escape")
        }
        i += 4
        return v
    }

    private mutating func string() throws -> String {
        try expect("\"")
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw VectorError("JSON: unterminated string") }
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { break }
            guard b == UInt8(ascii: "\\") else { out.append(b); continue }
            guard i < bytes.count else { throw VectorError("JSON: bad escape") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xd800..<0xdc00).contains(scalar) {
                    try expect("\\u")
                    let low = try hex4()
                    scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw VectorError("JSON: bad scalar") }
                out += Array(String(Character(u)).utf8)
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

enum Hex {
    static func decode(_ s: String) throws -> Data {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { throw VectorError("odd hex length") }
        var out = Data(capacity: u.count / 2)
        var idx = 0
        while idx < u.count {
            guard let b = UInt8(String(decoding: u[idx..<idx + 2], as: UTF8.self), radix: 16) else {
                throw VectorError("bad hex")
            }
            out.append(b)
            idx += 2
        }
        return out
    }

    static func encode(_ d: Data) -> String { d.map { String(format: "%02x", $0) }.joined() }
}

/// Converts the vectors' tagged JSON into the value it stands for.
enum Tagged {
    static func value(_ json: JSON) throws -> MessagePackValue {
        switch json {
        case .null: return .nil
        case .bool(let b): return .bool(b)
        case .number(let text): return try number(text)
        case .string(let s): return .string(s)
        case .array(let items): return .array(try items.map(value))
        case .object(let pairs):
            if pairs.count == 1, pairs[0].0.hasPrefix("$") { return try tag(pairs[0].0, pairs[0].1) }
            return .map(MessagePackMap(try pairs.map { (key: .string($0.0), value: try value($0.1)) }))
        }
    }

    static func number(_ text: String) throws -> MessagePackValue {
        if text.contains(where: { ".eE".contains($0) }) {
            guard let d = Double(text) else { throw VectorError("bad float \(text)") }
            return .double(d)
        }
        if let i = Int64(text) { return .int(i) }
        if let u = UInt64(text) { return .uint(u) }
        throw VectorError("bad integer \(text)")
    }

    private static func tag(_ name: String, _ body: JSON) throws -> MessagePackValue {
        switch (name, body) {
        case ("$bin", .string(let h)): return .binary(try Hex.decode(h))
        case ("$ts", .string(let t)):
            guard let ts = MessagePackTimestamp(rfc3339: t) else { throw VectorError("bad $ts \(t)") }
            return .timestamp(ts.date)
        case ("$ext", .array(let parts)):
            guard parts.count == 2, let type = parts[0].int, let t = Int8(exactly: type), let h = parts[1].string else {
                throw VectorError("bad $ext")
            }
            return .ext(type: t, data: try Hex.decode(h))
        case ("$map", .array(let pairs)):
            return .map(
                MessagePackMap(
                    try pairs.map { pair in
                        guard let kv = pair.array, kv.count == 2 else { throw VectorError("bad $map pair") }
                        return (key: try value(kv[0]), value: try value(kv[1]))
                    }))
        case ("$int", .string(let text)): return try number(text)
        case ("$float", .string(let text)):
            switch text {
            case "nan": return .double(.nan)
            case "inf": return .double(.infinity)
            case "-inf": return .double(-.infinity)
            default: return try number(text.contains(".") ? text : text + ".0")
            }
        default: throw VectorError("unknown tag \(name)")
        }
    }
}

/// One entry of a vector file.
struct Vector: Sendable, CustomTestStringConvertible {
    let file: String
    let json: JSON
    let name: String
    let bytes: Data

    var testDescription: String { "\(file): \(name)" }

    subscript(key: String) -> JSON? { json[key] }

    /// Limits from the optional `limits` object (snake_case keys), else the defaults.
    var limits: MessagePackLimits {
        var limits = MessagePackLimits.default
        if let l = json["limits"] {
            if let v = l["max_bytes"]?.int { limits.maxBytes = v }
            if let v = l["max_depth"]?.int { limits.maxDepth = v }
            if let v = l["max_elements"]?.int { limits.maxElements = v }
        }
        return limits
    }

    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("protocol").appendingPathComponent("vectors")

    static func load(_ file: String) throws -> [Vector] {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        guard let list = try JSONReader.parse(data)["vectors"]?.array else { throw VectorError("\(file): no vectors") }
        return try list.map { entry in
            guard let name = entry["name"]?.string, let hex = entry["hex"]?.string else {
                throw VectorError("\(file): vector without name/hex")
            }
            return Vector(file: file, json: entry, name: name, bytes: try Hex.decode(hex))
        }
    }
}

/// A deterministic generator for the property tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension MessagePackValue {
    /// Equality that also treats NaN as equal to NaN (for vector checks).
    func sameAs(_ other: MessagePackValue) -> Bool {
        switch (self, other) {
        case let (.double(a), .double(b)) where a.isNaN && b.isNaN: return true
        case let (.array(a), .array(b)): return a.count == b.count && zip(a, b).allSatisfy { $0.sameAs($1) }
        default: return self == other
        }
    }
}
