#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// With ``MessagePackEncoder``/``MessagePackDecoder`` a value passes through
/// unchanged. With other coders (JSON...) it maps onto their containers: maps
/// with only string keys become keyed containers, other maps arrays of
/// `[key, value]` pairs, binary `Data`, timestamps `Date`, extensions
/// `{"type": t, "data": bytes}`. Decoding from other coders tries nil, bool,
/// integers, double, string, array, then map.
extension MessagePackValue: Codable {
    public func encode(to encoder: any Encoder) throws {
        if let own = encoder as? EncoderImpl {  // reached only via a direct call to encode(to:)
            own.setSingle(.value(self))
            return
        }
        switch self {
        case .nil:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .int(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .uint(let u):
            var c = encoder.singleValueContainer()
            try c.encode(u)
        case .double(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .binary(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .timestamp(let t):
            var c = encoder.singleValueContainer()
            try c.encode(t)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .map(let map):
            try map.encode(to: encoder)
        case let .ext(type, data):
            var c = encoder.container(keyedBy: StringKey.self)
            try c.encode(type, forKey: StringKey("type"))
            try c.encode(data, forKey: StringKey("data"))
        }
    }

    public init(from decoder: any Decoder) throws {
        if let own = decoder as? DecoderImpl {  // reached only via a direct call to init(from:)
            self = own.value
            return
        }
        if let single = try? decoder.singleValueContainer() {
            if single.decodeNil() { self = .nil; return }
            if let b = try? single.decode(Bool.self) { self = .bool(b); return }
            if let i = try? single.decode(Int64.self) { self = .int(i); return }
            if let u = try? single.decode(UInt64.self) { self = .uint(u); return }
            if let d = try? single.decode(Double.self) { self = .double(d); return }
            if let s = try? single.decode(String.self) { self = .string(s); return }
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var items: [MessagePackValue] = []
            while !unkeyed.isAtEnd { items.append(try unkeyed.decode(MessagePackValue.self)) }
            self = .array(items)
            return
        }
        self = .map(try MessagePackMap(from: decoder))
    }
}

extension MessagePackMap: Codable {
    /// See ``MessagePackValue``'s `Codable` notes.
    public func encode(to encoder: any Encoder) throws {
        if let own = encoder as? EncoderImpl {
            own.setSingle(.value(.map(self)))
            return
        }
        if hasNonStringKeys {
            var c = encoder.unkeyedContainer()
            for entry in entries { try c.encode([entry.key, entry.value]) }
        } else {
            var c = encoder.container(keyedBy: StringKey.self)
            for entry in entries { try c.encode(entry.value, forKey: StringKey(entry.key.stringValue ?? "")) }
        }
    }

    public init(from decoder: any Decoder) throws {
        if let own = decoder as? DecoderImpl {
            guard case .map(let map) = own.value else { throw Unbox.mismatch(MessagePackMap.self, own.value, own.codingPath) }
            self = map
            return
        }
        let c = try decoder.container(keyedBy: StringKey.self)
        var entries: [(key: MessagePackValue, value: MessagePackValue)] = []
        for key in c.allKeys {
            entries.append((key: .string(key.stringValue), value: try c.decode(MessagePackValue.self, forKey: key)))
        }
        self.init(entries)
    }
}
