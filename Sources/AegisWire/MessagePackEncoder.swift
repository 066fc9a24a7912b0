#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encodes `Encodable` values as MessagePack.
///
/// Mapping: structs and dictionaries become maps with string keys (in the
/// order they are encoded), arrays become arrays, `Date` the timestamp
/// extension, `Data` bin, `URL` its absolute string, and a ``MessagePackValue``
/// or ``MessagePackMap`` inside a value is written as itself. Synthesized
/// conformances omit nil optionals from maps unless `nilOptionals` is
/// `.explicit`, which writes them as nil so every key is always present.
public struct MessagePackEncoder: Sendable {
    /// What a nil optional property becomes in a map.
    public enum NilOptionals: Sendable {
        /// Left out (what synthesized `Encodable` asks for).
        case omitted
        /// Written as nil: the key is always there.
        case explicit
    }

    /// Passed to `Encodable.encode(to:)` as `encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]
    public var nilOptionals: NilOptionals
    /// When set, a `Date` outside it is written as the nearest end of the
    /// range instead of failing: no date can make an encoding fail.
    public var dateRange: ClosedRange<Date>?

    public init(
        userInfo: [CodingUserInfoKey: any Sendable] = [:], nilOptionals: NilOptionals = .omitted,
        dateRange: ClosedRange<Date>? = nil
    ) {
        self.userInfo = userInfo
        self.nilOptionals = nilOptionals
        self.dateRange = dateRange
    }

    /// Encodes `value` to MessagePack bytes.
    public func encode<T: Encodable>(_ value: T) throws -> Data {
        MessagePack.encode(try encodeValue(value))
    }

    /// Encodes `value` to a ``MessagePackValue`` tree.
    /// Throws `EncodingError.invalidValue` for dates no timestamp can hold
    /// (without a `dateRange`), a top-level value that encodes nothing, or
    /// misuse of containers.
    public func encodeValue<T: Encodable>(_ value: T) throws -> MessagePackValue {
        var info = userInfo.mapValues { $0 as Any }
        if nilOptionals == .explicit { info[.explicitNilOptionals] = true }
        if let dateRange { info[.dateRange] = dateRange }
        let encoder = EncoderImpl(codingPath: [], userInfo: info)
        if let special = try EncoderImpl.special(value, at: [], dates: dateRange) { return special }
        try value.encode(to: encoder)
        guard encoder.slot != nil else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return try encoder.finish().resolve()
    }
}

extension CodingUserInfoKey {
    /// Set by `MessagePackEncoder(dateRange:)`: the `ClosedRange<Date>` dates are clamped into.
    static let dateRange: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "aegis.messagepack.date-range") else {
            preconditionFailure("a valid user-info key")  // allowed: a constant, non-empty raw value
        }
        return key
    }()
}
