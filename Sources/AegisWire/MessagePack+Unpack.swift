import CMsgPack

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension MessagePack {
    /// The deepest nesting msgpack-c's parser supports (`MSGPACK_EMBED_STACK_SIZE`).
    public static let parserMaxDepth = 32

    /// Decodes exactly one value filling `bytes`.
    ///
    /// Runs ``MessagePackValidator`` first (with `maxDepth` capped at
    /// ``parserMaxDepth``), and only then msgpack-c's unpacker.
    /// Positive integers up to `Int64.max` come back as `.int`, larger as `.uint`.
    public static func decode(_ bytes: Data, limits: MessagePackLimits = .default) throws(MessagePackError)
        -> MessagePackValue
    {
        let result: Result<MessagePackValue, MessagePackError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(MessagePackError) in try decode(buffer, limits: limits) }
        }
        return try result.get()
    }

    /// Decodes exactly one value filling `bytes`; see the `Data` overload.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: MessagePackLimits = .default)
        throws(MessagePackError) -> MessagePackValue
    {
        var effective = limits
        effective.maxDepth = min(limits.maxDepth, parserMaxDepth)
        try MessagePackValidator(limits: effective).validate(bytes)
        guard let base = bytes.baseAddress else { throw .truncated(offset: 0) }

        // A zone sized to the input (msgpack-c's default is 8 KiB): most
        // requests are small, and a small first chunk is a cheap allocation.
        // Strings and binaries point into `bytes`; only the object tree is
        // allocated in the zone, which grows as needed.
        return try withUnsafeTemporaryAllocation(of: msgpack_zone.self, capacity: 1) {
            zones throws(MessagePackError) -> MessagePackValue in
            guard let zone = zones.baseAddress, msgpack_zone_init(zone, min(8192, 256 + bytes.count)) else {
                throw .unpackFailed
            }
            defer { msgpack_zone_destroy(zone) }
            var object = msgpack_object()
            var consumed = 0
            let status = msgpack_unpack(base.assumingMemoryBound(to: CChar.self), bytes.count, &consumed, zone, &object)
            guard status == MSGPACK_UNPACK_SUCCESS || status == MSGPACK_UNPACK_EXTRA_BYTES else { throw .unpackFailed }
            guard consumed == bytes.count else { throw .trailingBytes(offset: consumed) }
            var path = PathBuilder()
            return try convert(object, &path)
        }
    }

    /// Converts msgpack-c's object tree (recursion depth is bounded by the pre-pass).
    private static func convert(_ object: msgpack_object, _ path: inout PathBuilder) throws(MessagePackError)
        -> MessagePackValue
    {
        switch object.type {
        case MSGPACK_OBJECT_NIL: return .nil
        case MSGPACK_OBJECT_BOOLEAN: return .bool(object.via.boolean)
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
            let u = object.via.u64
            return u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
        case MSGPACK_OBJECT_NEGATIVE_INTEGER: return .int(object.via.i64)
        case MSGPACK_OBJECT_FLOAT32, MSGPACK_OBJECT_FLOAT64: return .double(object.via.f64)
        case MSGPACK_OBJECT_STR:
            guard let s = string(object.via.str.ptr, object.via.str.size) else { throw .invalidUTF8(path: path.rendered) }
            return .string(s)
        case MSGPACK_OBJECT_BIN: return .binary(data(object.via.bin.ptr, object.via.bin.size))
        case MSGPACK_OBJECT_EXT:
            let ext = object.via.ext
            let payload = data(ext.ptr, ext.size)
            guard ext.type == -1 else { return .ext(type: ext.type, data: payload) }
            guard let ts = timestamp(payload) else { throw .invalidTimestamp(path: path.rendered) }
            return .timestamp(ts.date)
        case MSGPACK_OBJECT_ARRAY:
            let array = object.via.array
            var items: [MessagePackValue] = []
            items.reserveCapacity(Int(array.size))
            if let ptr = array.ptr {
                for i in 0..<Int(array.size) {
                    path.push(.index(i))
                    items.append(try convert(ptr[i], &path))
                    path.pop()
                }
            }
            return .array(items)
        case MSGPACK_OBJECT_MAP:
            let map = object.via.map
            var entries: [(key: MessagePackValue, value: MessagePackValue)] = []
            entries.reserveCapacity(Int(map.size))
            if let ptr = map.ptr {
                for i in 0..<Int(map.size) {
                    path.push(.keyOfEntry(i))
                    let key = try convert(ptr[i].key, &path)
                    path.pop()
                    path.push(.key(key))
                    let value = try convert(ptr[i].val, &path)
                    path.pop()
                    entries.append((key: key, value: value))
                }
            }
            return .map(MessagePackMap(entries))
        default:
            throw .unpackFailed
        }
    }

    private static func string(_ ptr: UnsafePointer<CChar>?, _ size: UInt32) -> String? {
        guard size > 0, let ptr else { return "" }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(ptr).assumingMemoryBound(to: UInt8.self), count: Int(size))
        // Most strings are ASCII, which is valid UTF-8 as it stands; the
        // generic validating initializer costs several times more.
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func data(_ ptr: UnsafePointer<CChar>?, _ size: UInt32) -> Data {
        guard size > 0, let ptr else { return Data() }
        return Data(bytes: ptr, count: Int(size))
    }

    /// Parses a timestamp payload (4, 8 or 12 bytes); nil if malformed.
    static func timestamp(_ payload: Data) -> MessagePackTimestamp? {
        func be(_ from: Int, _ width: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<width { v = v << 8 | UInt64(payload[payload.startIndex + from + i]) }
            return v
        }
        switch payload.count {
        case 4: return MessagePackTimestamp(seconds: Int64(be(0, 4)), nanoseconds: 0)
        case 8:
            let v = be(0, 8)
            return MessagePackTimestamp(seconds: Int64(v & 0x3_ffff_ffff), nanoseconds: UInt32(v >> 34))
        case 12:
            return MessagePackTimestamp(seconds: Int64(bitPattern: be(4, 8)), nanoseconds: UInt32(be(0, 4)))
        default: return nil
        }
    }
}

/// The position inside a value being converted, rendered only when an error needs it.
struct PathBuilder {
    enum Component {
        case index(Int)
        case key(MessagePackValue)
        case keyOfEntry(Int)
    }

    private var components: [Component] = []

    mutating func push(_ c: Component) { components.append(c) }
    mutating func pop() { components.removeLast() }

    /// `params.items[3].name`; non-string keys render in brackets, a key being read as `<key #n>`.
    var rendered: String {
        var out = ""
        for c in components {
            switch c {
            case .index(let i): out += "[\(i)]"
            case .keyOfEntry(let i): out += out.isEmpty ? "<key #\(i)>" : ".<key #\(i)>"
            case .key(let key):
                switch key {
                case .string(let s): out += (out.isEmpty ? "" : ".") + PathBuilder.clip(s)
                case .int, .uint: out += "[\(key)]"
                default: out += "[<\(key.kindName)>]"
                }
            }
        }
        return out
    }

    /// Keys are names, but a hostile one can be long: keep at most 64 characters.
    static func clip(_ s: String) -> String {
        s.count <= 64 ? s : String(s.prefix(64)) + "…"
    }
}
