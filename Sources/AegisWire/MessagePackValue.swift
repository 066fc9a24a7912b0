#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One MessagePack value, as decoded from or encoded to the wire.
///
/// Integers: the decoder yields `.int` for every integer that fits in `Int64`
/// and `.uint` only above `Int64.max`; `.int(5) == .uint(5)`. Both encode to
/// the smallest MessagePack form, non-negative values using the unsigned forms.
public enum MessagePackValue: Sendable {
    case `nil`
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    /// A float64; float32 values decode into this case too.
    case double(Double)
    /// A UTF-8 string.
    case string(String)
    case binary(Data)
    case array([MessagePackValue])
    case map(MessagePackMap)
    /// The timestamp extension (type -1). See ``MessagePackTimestamp`` for precision.
    case timestamp(Date)
    /// Any other extension type.
    case ext(type: Int8, data: Data)
}

// MARK: - Equality and hashing

extension MessagePackValue: Hashable {
    /// Values are equal when they hold the same data; `.int` and `.uint`
    /// compare by numeric value, maps ignore entry order (see ``MessagePackMap``).
    public static func == (lhs: MessagePackValue, rhs: MessagePackValue) -> Bool {
        switch (lhs, rhs) {
        case (.nil, .nil): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.uint(a), .uint(b)): return a == b
        case let (.int(a), .uint(b)), let (.uint(b), .int(a)): return a >= 0 && UInt64(a) == b
        case let (.double(a), .double(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.binary(a), .binary(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.map(a), .map(b)): return a == b
        case let (.timestamp(a), .timestamp(b)): return a == b
        case let (.ext(ta, da), .ext(tb, db)): return ta == tb && da == db
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .nil: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .int(let i): hasher.combine(2); hasher.combine(i)
        case .uint(let u):
            if u <= UInt64(Int64.max) { hasher.combine(2); hasher.combine(Int64(u)) } else { hasher.combine(3); hasher.combine(u) }
        case .double(let d): hasher.combine(4); hasher.combine(d)
        case .string(let s): hasher.combine(5); hasher.combine(s)
        case .binary(let d): hasher.combine(6); hasher.combine(d)
        case .array(let a): hasher.combine(7); hasher.combine(a)
        case .map(let m): hasher.combine(8); hasher.combine(m)
        case .timestamp(let t): hasher.combine(9); hasher.combine(t)
        case let .ext(t, d): hasher.combine(10); hasher.combine(t); hasher.combine(d)
        }
    }
}

// MARK: - Accessors

extension MessagePackValue {
    /// True for `.nil`.
    public var isNil: Bool { if case .nil = self { return true } else { return false } }
    /// The Bool, if this is `.bool`.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The integer as `Int64`, from `.int` or from `.uint` when in range.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .uint(let u): return u <= UInt64(Int64.max) ? Int64(u) : nil
        default: return nil
        }
    }
    /// The integer as `UInt64`, from `.uint` or from a non-negative `.int`.
    public var uintValue: UInt64? {
        switch self {
        case .uint(let u): return u
        case .int(let i): return i >= 0 ? UInt64(i) : nil
        default: return nil
        }
    }
    /// The number as `Double`, from `.double`, `.int` or `.uint`.
    public var doubleValue: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        case .uint(let u): return Double(u)
        default: return nil
        }
    }
    /// The String, if this is `.string`.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The bytes, if this is `.binary`.
    public var dataValue: Data? { if case .binary(let d) = self { return d } else { return nil } }
    /// The elements, if this is `.array`.
    public var arrayValue: [MessagePackValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// The map, if this is `.map`.
    public var mapValue: MessagePackMap? { if case .map(let m) = self { return m } else { return nil } }
    /// The date, if this is `.timestamp`.
    public var dateValue: Date? { if case .timestamp(let t) = self { return t } else { return nil } }
    /// Type and payload, if this is `.ext`.
    public var extValue: (type: Int8, data: Data)? { if case let .ext(t, d) = self { return (t, d) } else { return nil } }

    /// The value under a string key when this is a map, else nil.
    public subscript(key: String) -> MessagePackValue? { mapValue?[key] }

    /// The element at `index` when this is an array and the index is in range, else nil.
    public subscript(index: Int) -> MessagePackValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// A short name of the value's kind ("int", "string", "map"...), for error messages.
    public var kindName: String {
        switch self {
        case .nil: return "nil"
        case .bool: return "bool"
        case .int, .uint: return "int"
        case .double: return "float"
        case .string: return "string"
        case .binary: return "binary"
        case .array: return "array"
        case .map: return "map"
        case .timestamp: return "timestamp"
        case .ext: return "ext"
        }
    }
}

// MARK: - Literals

extension MessagePackValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: MessagePackValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, MessagePackValue)...) {
        self = .map(MessagePackMap(elements.map { (key: .string($0.0), value: $0.1) }))
    }
}

// MARK: - Description

extension MessagePackValue: CustomStringConvertible {
    /// A JSON-like rendering for debugging and test output (binary shown as its size).
    public var description: String {
        switch self {
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return String(d)
        case .string(let s): return "\"\(s)\""
        case .binary(let d): return "<\(d.count) bytes>"
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .map(let m): return m.description
        case .timestamp(let t): return "timestamp(\(MessagePackTimestamp(t)))"
        case let .ext(t, d): return "ext(\(t), <\(d.count) bytes>)"
        }
    }
}
