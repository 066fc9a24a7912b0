#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes `Decodable` values from MessagePack.
///
/// Integers decode from int or uint when in range; floating-point types also
/// accept integers; `Bool` accepts only booleans; `Date` needs a timestamp,
/// `Data` bin, `URL` a string; ``MessagePackValue`` and ``MessagePackMap``
/// take the value as it is. Failures are `DecodingError`s whose `codingPath`
/// locates the offending value (render it with ``path(of:)``), or
/// ``MessagePackDecodingError``, or ``MessagePackError`` for unreadable bytes.
/// A map repeating a key is rejected (`dataCorrupted`) when read as a keyed container.
public struct MessagePackDecoder: Sendable {
    /// When true, a key in a map decoded through a keyed container that the
    /// `Decodable` never asked for (via `decode`, `decodeIfPresent`, `decodeNil`,
    /// `contains`, a nested container or `superDecoder`) fails with
    /// ``MessagePackDecodingError/unknownKey(path:)``. Maps taken whole
    /// (``MessagePackValue``, dictionaries) are not affected. Checked once
    /// the whole value has decoded; attempts that threw are forgotten.
    public var rejectUnknownKeys: Bool
    /// Limits applied when decoding from bytes.
    public var limits: MessagePackLimits
    /// Passed to `Decodable.init(from:)` as `decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]
    /// When set, a `Date` outside it fails with
    /// ``MessagePackDecodingError/dateOutOfRange(path:)``.
    public var dateRange: ClosedRange<Date>?

    public init(
        rejectUnknownKeys: Bool = false, limits: MessagePackLimits = .default,
        userInfo: [CodingUserInfoKey: any Sendable] = [:], dateRange: ClosedRange<Date>? = nil
    ) {
        self.rejectUnknownKeys = rejectUnknownKeys
        self.limits = limits
        self.userInfo = userInfo
        self.dateRange = dateRange
    }

    /// Decodes bytes (validated and unpacked with ``limits``) into `T`.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decode(type, from: try MessagePack.decode(data, limits: limits))
    }

    /// Decodes an already unpacked value into `T`.
    public func decode<T: Decodable>(_ type: T.Type, from value: MessagePackValue) throws -> T {
        let context = DecodingContext(
            userInfo: userInfo.mapValues { $0 as Any }, tracker: rejectUnknownKeys ? KeyAccessTracker() : nil,
            dateRange: dateRange)
        let result = try context.unbox(value, as: T.self, at: [])
        try context.tracker?.check()
        return result
    }

    /// Renders a coding path as `params.items[3].name` (array indexes in brackets).
    public static func path(of codingPath: [any CodingKey]) -> String { CodingPath.render(codingPath) }

    /// The path of the offending field in a decoding failure, for `details.field`:
    /// a missing key's path includes the key itself. Nil for other errors.
    public static func fieldPath(of error: any Error) -> String? {
        switch error {
        case let error as DecodingError:
            switch error {
            case let .keyNotFound(key, context): return path(of: context.codingPath + [key])
            case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
                return path(of: context.codingPath)
            @unknown default: return nil
            }
        case let error as MessagePackDecodingError:
            switch error {
            case .unknownKey(let p), .dateOutOfRange(let p): return p
            }
        case let error as MessagePackError:
            switch error {
            case .invalidUTF8(let p), .invalidTimestamp(let p): return p
            default: return nil
            }
        default: return nil
        }
    }
}

/// Decoding failures that are not `DecodingError`s.
public enum MessagePackDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// With `rejectUnknownKeys`, the map entry at `path` was not expected.
    case unknownKey(path: String)
    /// With a `dateRange`, the timestamp at `path` lies outside it.
    case dateOutOfRange(path: String)

    public var description: String {
        switch self {
        case .unknownKey(let path): return "unknown key at \(path)"
        case .dateOutOfRange(let path): return "date out of range at \(path)"
        }
    }
}
