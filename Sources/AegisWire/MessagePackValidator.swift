#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A pure-Swift structural check of one MessagePack value, run before msgpack-c sees the bytes.
///
/// One linear walk with an explicit stack (no recursion): it rejects empty or
/// truncated input, the reserved byte 0xc1, nesting beyond `maxDepth`, any
/// declared array/map count or str/bin/ext length larger than the bytes left
/// (each element needs at least one byte, each map entry two), more than
/// `maxElements` values, input over `maxBytes`, and bytes after the value.
/// Memory use is bounded by the nesting depth, never by a declared count.
/// It does not check UTF-8 or timestamp contents; decoding does.
public struct MessagePackValidator: Sendable {
    /// The limits applied.
    public var limits: MessagePackLimits

    public init(limits: MessagePackLimits = .default) { self.limits = limits }

    /// What a successful validation saw.
    public struct Summary: Sendable, Equatable {
        /// Number of values, counting the top-level value, elements, map keys and map values.
        public var elements: Int
        /// Most containers open at once (0 for a scalar).
        public var depth: Int
    }

    /// Validates the bytes of `data`; see the `UnsafeRawBufferPointer` overload.
    @discardableResult
    public func validate(_ data: Data) throws(MessagePackError) -> Summary {
        let result: Result<Summary, MessagePackError> = data.withUnsafeBytes { buffer in
            Result { () throws(MessagePackError) in try validate(buffer) }
        }
        return try result.get()
    }

    /// Validates exactly one value filling `bytes`, or throws the first problem found.
    @discardableResult
    public func validate(_ bytes: UnsafeRawBufferPointer) throws(MessagePackError) -> Summary {
        let n = bytes.count
        guard n <= limits.maxBytes else { throw .tooLarge(size: n, limit: limits.maxBytes) }
        guard n > 0 else { throw .truncated(offset: 0) }

        @inline(__always) func byte(_ i: Int) -> UInt8 { bytes[i] }
        @inline(__always) func be(_ at: Int, _ width: Int) -> Int {
            var v = 0
            for i in at..<at + width { v = v << 8 | Int(bytes[i]) }
            return v
        }

        // Remaining child values of each open container (a map entry counts as two).
        var stack: [Int] = []
        stack.reserveCapacity(min(max(limits.maxDepth, 0), 64))
        var offset = 0
        var elements = 1
        var deepest = 0

        while true {
            let start = offset
            guard start < n else { throw .truncated(offset: start) }
            let b = byte(start)
            let left = n - start  // bytes from this value's first byte to the end

            // Classify: fixed size, length-prefixed payload, or container.
            var fixedSize = 0
            var lengthBytes = 0  // size of a big-endian length after the tag (payload types)
            var extraHeader = 0  // ext type byte
            var containerHeader = 0
            var childCount = -1
            var isMap = false

            switch b {
            case 0x00...0x7f, 0xe0...0xff, 0xc0, 0xc2, 0xc3: fixedSize = 1
            case 0x80...0x8f: containerHeader = 1; childCount = Int(b & 0x0f); isMap = true
            case 0x90...0x9f: containerHeader = 1; childCount = Int(b & 0x0f)
            case 0xa0...0xbf:
                // fixstr: length in the tag itself.
                let len = Int(b & 0x1f)
                guard len <= left - 1 else { throw .lengthExceedsInput(offset: start) }
                offset = start + 1 + len
            case 0xc1: throw .reservedByte(offset: start)
            case 0xc4, 0xd9: lengthBytes = 1
            case 0xc5, 0xda: lengthBytes = 2
            case 0xc6, 0xdb: lengthBytes = 4
            case 0xc7: lengthBytes = 1; extraHeader = 1
            case 0xc8: lengthBytes = 2; extraHeader = 1
            case 0xc9: lengthBytes = 4; extraHeader = 1
            case 0xca: fixedSize = 5
            case 0xcb: fixedSize = 9
            case 0xcc, 0xd0: fixedSize = 2
            case 0xcd, 0xd1: fixedSize = 3
            case 0xce, 0xd2: fixedSize = 5
            case 0xcf, 0xd3: fixedSize = 9
            case 0xd4: fixedSize = 3
            case 0xd5: fixedSize = 4
            case 0xd6: fixedSize = 6
            case 0xd7: fixedSize = 10
            case 0xd8: fixedSize = 18
            case 0xdc: containerHeader = 3
            case 0xdd: containerHeader = 5
            case 0xde: containerHeader = 3; isMap = true
            case 0xdf: containerHeader = 5; isMap = true
            default: throw .reservedByte(offset: start)  // unreachable: every byte is covered above
            }

            if fixedSize > 0 {
                guard fixedSize <= left else { throw .truncated(offset: start) }
                offset = start + fixedSize
            } else if lengthBytes > 0 {
                let header = 1 + lengthBytes + extraHeader
                guard header <= left else { throw .truncated(offset: start) }
                let len = be(start + 1, lengthBytes)
                guard len <= left - header else { throw .lengthExceedsInput(offset: start) }
                offset = start + header + len
            } else if containerHeader > 0 {
                guard containerHeader <= left else { throw .truncated(offset: start) }
                if childCount < 0 { childCount = be(start + 1, containerHeader - 1) }
                guard stack.count < limits.maxDepth else { throw .depthExceeded(limit: limits.maxDepth) }
                let children = isMap ? childCount * 2 : childCount
                guard children <= left - containerHeader else { throw .lengthExceedsInput(offset: start) }
                elements += children
                guard elements <= limits.maxElements else { throw .tooManyElements(limit: limits.maxElements) }
                offset = start + containerHeader
                if children > 0 {
                    stack.append(children)
                    deepest = max(deepest, stack.count)
                    continue
                }
                deepest = max(deepest, stack.count + 1)
            }

            // A value just completed: count it against the enclosing containers.
            while let last = stack.last {
                if last > 1 {
                    stack[stack.count - 1] = last - 1
                    break
                }
                stack.removeLast()
            }
            if stack.isEmpty {
                guard offset == n else { throw .trailingBytes(offset: offset) }
                guard elements <= limits.maxElements else { throw .tooManyElements(limit: limits.maxElements) }
                return Summary(elements: elements, depth: deepest)
            }
        }
    }
}
