import CMsgPack
#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// MessagePack encoding and decoding of ``MessagePackValue`` over msgpack-c.
public enum MessagePack {
    /// Encodes `value` with msgpack-c's packer into a simple buffer.
    ///
    /// Integers take the smallest form (non-negative ones the unsigned forms),
    /// doubles are float64, strings use fixstr/str8/str16/str32, timestamps the
    /// smallest exact form (dates beyond the Int64-second range clamp, see
    /// ``MessagePackTimestamp``). Returns empty data only if memory runs out.
    public static func encode(_ value: MessagePackValue) -> Data {
        // The packer and its buffer header live on the stack; the buffer
        // starts small (most values are) and its bytes become the Data
        // without a copy.
        withUnsafeTemporaryAllocation(of: msgpack_sbuffer.self, capacity: 1) { buffers in
            withUnsafeTemporaryAllocation(of: msgpack_packer.self, capacity: 1) { packers in
                guard let buffer = buffers.baseAddress, let packer = packers.baseAddress,
                    let initial = malloc(initialBufferBytes)
                else { return Data() }
                buffer.initialize(to: msgpack_sbuffer(size: 0, data: initial.assumingMemoryBound(to: CChar.self), alloc: initialBufferBytes))
                msgpack_packer_init(packer, UnsafeMutableRawPointer(buffer), msgpack_sbuffer_write)
                guard pack(value, into: packer), let bytes = buffer.pointee.data else {
                    msgpack_sbuffer_destroy(buffer)
                    return Data()
                }
                return Data(bytesNoCopy: bytes, count: buffer.pointee.size, deallocator: .free)
            }
        }
    }

    /// The encoding buffer's first allocation; it doubles as needed.
    static let initialBufferBytes = 256

    /// Packs one value; false if a buffer write failed.
    private static func pack(_ value: MessagePackValue, into pk: UnsafeMutablePointer<msgpack_packer>) -> Bool {
        switch value {
        case .nil: return msgpack_pack_nil(pk) == 0
        case .bool(let b): return (b ? msgpack_pack_true(pk) : msgpack_pack_false(pk)) == 0
        case .int(let i): return msgpack_pack_int64(pk, i) == 0
        case .uint(let u): return msgpack_pack_uint64(pk, u) == 0
        case .double(let d): return msgpack_pack_double(pk, d) == 0
        case .string(let s):
            var s = s
            return s.withUTF8 { utf8 in
                guard msgpack_pack_str(pk, utf8.count) == 0 else { return false }
                guard let base = utf8.baseAddress, utf8.count > 0 else { return true }
                return msgpack_pack_str_body(pk, base, utf8.count) == 0
            }
        case .binary(let data):
            guard msgpack_pack_bin(pk, data.count) == 0 else { return false }
            return appendBody(data, pk, msgpack_pack_bin_body)
        case .array(let items):
            guard msgpack_pack_array(pk, items.count) == 0 else { return false }
            for item in items where !pack(item, into: pk) { return false }
            return true
        case .map(let map):
            guard msgpack_pack_map(pk, map.count) == 0 else { return false }
            for entry in map.entries where !(pack(entry.key, into: pk) && pack(entry.value, into: pk)) {
                return false
            }
            return true
        case .timestamp(let date):
            // Same choice as msgpack_pack_timestamp, whose C return value is unusable.
            let ts = MessagePackTimestamp(date)
            let body = timestampBody(ts)
            guard msgpack_pack_ext(pk, body.count, -1) == 0 else { return false }
            return appendBody(body, pk, msgpack_pack_ext_body)
        case let .ext(type, data):
            guard msgpack_pack_ext(pk, data.count, type) == 0 else { return false }
            return appendBody(data, pk, msgpack_pack_ext_body)
        }
    }

    /// The smallest exact timestamp payload: 32-bit (seconds in 0..<2^32, no
    /// nanoseconds), 64-bit (seconds in 0..<2^34), else 96-bit.
    static func timestampBody(_ ts: MessagePackTimestamp) -> Data {
        var out = Data()
        func put(_ v: UInt64, _ width: Int) {
            for shift in stride(from: (width - 1) * 8, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
        }
        if ts.seconds >= 0, ts.seconds >> 34 == 0 {
            let data64 = UInt64(ts.nanoseconds) << 34 | UInt64(ts.seconds)
            if data64 >> 32 == 0 { put(data64, 4) } else { put(data64, 8) }
        } else {
            put(UInt64(ts.nanoseconds), 4)
            put(UInt64(bitPattern: ts.seconds), 8)
        }
        return out
    }

    private static func appendBody(
        _ data: Data, _ pk: UnsafeMutablePointer<msgpack_packer>,
        _ body: (UnsafeMutablePointer<msgpack_packer>?, UnsafeRawPointer?, Int) -> Int32
    ) -> Bool {
        guard !data.isEmpty else { return true }
        return data.withUnsafeBytes { raw in body(pk, raw.baseAddress, raw.count) == 0 }
    }
}
