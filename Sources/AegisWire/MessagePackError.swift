/// Why bytes could not be decoded. Descriptions name offsets and paths, never payload bytes.
public enum MessagePackError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input ends before the value starting (or expected) at `offset` is complete.
    case truncated(offset: Int)
    /// Containers nest deeper than `limit` (see ``MessagePackLimits/maxDepth``).
    case depthExceeded(limit: Int)
    /// The header at `offset` declares a length or element count larger than the bytes left.
    case lengthExceedsInput(offset: Int)
    /// The never-used byte 0xc1 appears at `offset`.
    case reservedByte(offset: Int)
    /// The input declares more than `limit` values in total.
    case tooManyElements(limit: Int)
    /// The input is `size` bytes, more than `limit`.
    case tooLarge(size: Int, limit: Int)
    /// A complete value ends at `offset` but more bytes follow.
    case trailingBytes(offset: Int)
    /// The string at `path` (e.g. `params.name`, empty for the top level) is not valid UTF-8.
    case invalidUTF8(path: String)
    /// The timestamp extension at `path` has a bad size or nanoseconds ≥ 10⁹.
    case invalidTimestamp(path: String)
    /// msgpack-c refused input the pre-pass accepted (should not happen).
    case unpackFailed

    /// The case name, as used in the test vectors' `error` field.
    public var name: String {
        switch self {
        case .truncated: return "truncated"
        case .depthExceeded: return "depthExceeded"
        case .lengthExceedsInput: return "lengthExceedsInput"
        case .reservedByte: return "reservedByte"
        case .tooManyElements: return "tooManyElements"
        case .tooLarge: return "tooLarge"
        case .trailingBytes: return "trailingBytes"
        case .invalidUTF8: return "invalidUTF8"
        case .invalidTimestamp: return "invalidTimestamp"
        case .unpackFailed: return "unpackFailed"
        }
    }

    /// The byte offset the error refers to, when it has one.
    public var offset: Int? {
        switch self {
        case .truncated(let o), .lengthExceedsInput(let o), .reservedByte(let o), .trailingBytes(let o): return o
        default: return nil
        }
    }

    public var description: String {
        func at(_ path: String) -> String { path.isEmpty ? "at the top level" : "at \(path)" }
        switch self {
        case .truncated(let o): return "MessagePack input is truncated (value at offset \(o) is incomplete)"
        case .depthExceeded(let l): return "MessagePack nesting is deeper than \(l) levels"
        case .lengthExceedsInput(let o): return "MessagePack header at offset \(o) declares more data than the input holds"
        case .reservedByte(let o): return "MessagePack input has the reserved byte 0xc1 at offset \(o)"
        case .tooManyElements(let l): return "MessagePack input declares more than \(l) values"
        case let .tooLarge(s, l): return "MessagePack input is \(s) bytes, over the limit of \(l)"
        case .trailingBytes(let o): return "MessagePack input has extra bytes after the value, from offset \(o)"
        case .invalidUTF8(let p): return "MessagePack string \(at(p)) is not valid UTF-8"
        case .invalidTimestamp(let p): return "MessagePack timestamp \(at(p)) is malformed"
        case .unpackFailed: return "MessagePack input could not be unpacked"
        }
    }
}

/// Bounds enforced by the pre-pass before any decoding.
public struct MessagePackLimits: Sendable, Equatable {
    /// Largest accepted input, in bytes.
    public var maxBytes: Int
    /// Deepest accepted container nesting. A scalar at the top level is at depth 0,
    /// the elements of a top-level map or array at depth 1; `maxDepth` is the most
    /// containers that may be open at once, so with 32, thirty-two nested arrays
    /// (`[[…[]…]]`) pass and thirty-three fail, even if the innermost is empty.
    /// `MessagePack.decode` caps it at 32, msgpack-c's own parser stack size.
    public var maxDepth: Int
    /// Most values in one input, counting every value: the top-level one, each
    /// array element, and each map key and map value.
    public var maxElements: Int

    public init(maxBytes: Int = 16 << 20, maxDepth: Int = 32, maxElements: Int = 1_000_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxElements = maxElements
    }

    /// 16 MiB, depth 32, one million values.
    public static let `default` = MessagePackLimits()
}
