#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// State shared by every decoder of one top-level `decode` call.
final class DecodingContext {
    let userInfo: [CodingUserInfoKey: Any]
    let tracker: KeyAccessTracker?
    let dateRange: ClosedRange<Date>?

    init(userInfo: [CodingUserInfoKey: Any], tracker: KeyAccessTracker?, dateRange: ClosedRange<Date>? = nil) {
        self.userInfo = userInfo
        self.tracker = tracker
        self.dateRange = dateRange
    }

    /// Decodes `value`, found at `path`, as `T`.
    func unbox<T: Decodable>(_ value: MessagePackValue, as type: T.Type, at path: [any CodingKey]) throws -> T {
        if let special = try self.special(value, as: type, at: path) { return special }
        let mark = tracker?.mark()
        do {
            return try T(from: DecoderImpl(value: value, codingPath: path, context: self))
        } catch {
            if let mark { tracker?.rollback(to: mark) }
            throw error
        }
    }

    /// Types with a direct MessagePack form, or nil for ordinary `Decodable`s.
    private func special<T: Decodable>(_ value: MessagePackValue, as type: T.Type, at path: [any CodingKey])
        throws -> T?
    {
        let result: Any
        if T.self == MessagePackValue.self {
            result = value
        } else if T.self == MessagePackMap.self {
            guard case .map(let m) = value else { throw Unbox.mismatch(T.self, value, path) }
            result = m
        } else if T.self == Date.self {
            guard case .timestamp(let d) = value else { throw Unbox.mismatch(T.self, value, path) }
            if let dateRange, !dateRange.contains(d) {
                throw MessagePackDecodingError.dateOutOfRange(path: CodingPath.render(path))
            }
            result = d
        } else if T.self == Data.self {
            guard case .binary(let d) = value else { throw Unbox.mismatch(T.self, value, path) }
            result = d
        } else if T.self == URL.self {
            guard case .string(let s) = value else { throw Unbox.mismatch(T.self, value, path) }
            guard let url = URL(string: s) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "Invalid URL string."))
            }
            result = url
        } else {
            return nil
        }
        guard let typed = result as? T else { throw Unbox.mismatch(T.self, value, path) }
        return typed
    }
}

/// The `Decoder` handed to `Decodable.init(from:)`, one per decoded value.
final class DecoderImpl: Decoder {
    let value: MessagePackValue
    let codingPath: [any CodingKey]
    let context: DecodingContext
    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }

    init(value: MessagePackValue, codingPath: [any CodingKey], context: DecodingContext) {
        self.value = value
        self.codingPath = codingPath
        self.context = context
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try KeyedDecoding<Key>(value, codingPath: codingPath, context: context))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try UnkeyedDecoding(value, codingPath: codingPath, context: context)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueDecoding(decoder: self)
    }
}

/// Scalar conversions with Foundation-style errors (kinds only, never payload).
enum Unbox {
    static func mismatch(_ type: Any.Type, _ value: MessagePackValue, _ path: [any CodingKey]) -> DecodingError {
        if value.isNil {
            return .valueNotFound(type, .init(codingPath: path, debugDescription: "Expected \(type) value but found nil instead."))
        }
        return .typeMismatch(
            type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(value.kindName) instead."))
    }

    static func bool(_ value: MessagePackValue, _ path: [any CodingKey]) throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch(Bool.self, value, path) }
        return b
    }

    static func string(_ value: MessagePackValue, _ path: [any CodingKey]) throws -> String {
        guard case .string(let s) = value else { throw mismatch(String.self, value, path) }
        return s
    }

    static func integer<T: FixedWidthInteger>(_ value: MessagePackValue, _ path: [any CodingKey], as type: T.Type) throws -> T {
        let converted: T?
        switch value {
        case .int(let i): converted = T(exactly: i)
        case .uint(let u): converted = T(exactly: u)
        default: throw mismatch(T.self, value, path)
        }
        guard let converted else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "Number does not fit in \(T.self)."))
        }
        return converted
    }

    static func double(_ value: MessagePackValue, _ path: [any CodingKey]) throws -> Double {
        switch value {
        case .double(let d): return d
        case .int(let i): return Double(i)
        case .uint(let u): return Double(u)
        default: throw mismatch(Double.self, value, path)
        }
    }

    static func float(_ value: MessagePackValue, _ path: [any CodingKey]) throws -> Float {
        let d: Double
        do { d = try double(value, path) } catch { throw mismatch(Float.self, value, path) }
        guard !d.isFinite || abs(d) <= Double(Float.greatestFiniteMagnitude) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "Number does not fit in Float."))
        }
        return Float(d)
    }
}
