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

    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:], nilOptionals: NilOptionals = .omitted) {
        self.userInfo = userInfo
        self.nilOptionals = nilOptionals
    }

    /// Encodes `value` to MessagePack bytes.
    public func encode<T: Encodable>(_ value: T) throws -> Data {
        MessagePack.encode(try encodeValue(value))
    }

    /// Encodes `value` to a ``MessagePackValue`` tree.
    /// Throws `EncodingError.invalidValue` for dates no timestamp can hold, a
    /// top-level value that encodes nothing, or misuse of containers.
    public func encodeValue<T: Encodable>(_ value: T) throws -> MessagePackValue {
        var info = userInfo.mapValues { $0 as Any }
        if nilOptionals == .explicit { info[.explicitNilOptionals] = true }
        let encoder = EncoderImpl(codingPath: [], userInfo: info)
        if let special = try EncoderImpl.special(value, at: []) { return special }
        try value.encode(to: encoder)
        guard encoder.slot != nil else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return try encoder.finish().resolve()
    }
}
