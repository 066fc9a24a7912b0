#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A reply body: `{v, id, ok, result}` or `{v, id, ok, error: {code, message, details?}}`.
public struct ReplyEnvelope: Sendable, Equatable {
    public var v: Int
    /// The request's id, or `.nil` when the request could not be read.
    public var id: MessagePackValue
    /// The result, or the error the server sent.
    public var outcome: Result<MessagePackValue, WireError>

    public init(id: MessagePackValue?, outcome: Result<MessagePackValue, WireError>, v: Int = RequestEnvelope.currentVersion) {
        self.v = v
        self.id = id ?? .nil
        self.outcome = outcome
    }

    /// The body map, keys in the order v, id, ok, result|error.
    public var value: MessagePackValue {
        var map: MessagePackMap = ["v": .int(Int64(v)), "id": id]
        switch outcome {
        case .success(let result):
            map.append(key: "ok", value: true)
            map.append(key: "result", value: result)
        case .failure(let error):
            map.append(key: "ok", value: false)
            map.append(key: "error", value: error.value)
        }
        return .map(map)
    }

    /// The encoded body.
    public func encoded() -> Data { MessagePack.encode(value) }

    /// A success reply body: `{v: 1, id, ok: true, result}` (`id` nil encodes as nil).
    public static func success(id: MessagePackValue?, result: MessagePackValue) -> Data {
        ReplyEnvelope(id: id, outcome: .success(result)).encoded()
    }

    /// A success reply body around a result already encoded (for results
    /// served from a cache): the same bytes as `success(id:result:)` for the
    /// decoded value, without encoding the result again.
    public static func success(id: MessagePackValue?, encodedResult: Data) -> Data {
        var body = Data()
        body.reserveCapacity(encodedResult.count + 32)
        // {"v": 1, "id": <id>, "ok": true, "result": <bytes>}
        body.append(contentsOf: [0x84, 0xa1, 0x76, 0x01, 0xa2, 0x69, 0x64])
        if case .int(let small)? = id, (0...127).contains(small) {
            body.append(UInt8(small))  // positive fixint, the common case
        } else {
            body.append(MessagePack.encode(id ?? .nil))
        }
        body.append(contentsOf: [0xa2, 0x6f, 0x6b, 0xc3, 0xa6, 0x72, 0x65, 0x73, 0x75, 0x6c, 0x74])
        body.append(encodedResult)
        return body
    }

    /// A failure reply body: `{v: 1, id, ok: false, error: {code, message, details?}}`.
    public static func failure(
        id: MessagePackValue?, code: WireErrorCode, message: String, details: MessagePackMap? = nil
    ) -> Data {
        failure(id: id, error: WireError(code, message, details: details))
    }

    /// A failure reply body for `error`.
    public static func failure(id: MessagePackValue?, error: WireError) -> Data {
        ReplyEnvelope(id: id, outcome: .failure(error)).encoded()
    }

    /// The id a reply body built here echoes (`{v: 1, id, ...}`), read
    /// without decoding the rest: for replacing a reply the server cannot
    /// send. Nil when the body does not start that way.
    public static func echoedID(in reply: Data) -> MessagePackValue? {
        let prefix: [UInt8] = [0x84, 0xa1, 0x76, 0x01, 0xa2, 0x69, 0x64]
        guard reply.count > prefix.count, reply.prefix(prefix.count).elementsEqual(prefix) else { return nil }
        let bytes = reply.dropFirst(prefix.count)
        let start = bytes.startIndex
        func unsigned(_ width: Int) -> UInt64? {
            guard bytes.count > width else { return nil }
            return bytes[(start + 1)..<(start + 1 + width)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        func string(_ lengthWidth: Int, fixed: Int? = nil) -> MessagePackValue? {
            let header = 1 + lengthWidth
            guard let length = fixed.map(UInt64.init) ?? unsigned(lengthWidth), UInt64(bytes.count - header) >= length else {
                return nil
            }
            let text = bytes[(start + header)..<(start + header + Int(length))]
            guard let decoded = String(validating: text, as: UTF8.self) else { return nil }
            return .string(decoded)
        }
        let first = bytes[start]
        switch first {
        case 0x00...0x7f: return .int(Int64(first))
        case 0xe0...0xff: return .int(Int64(Int8(bitPattern: first)))
        case 0xc0: return .nil
        case 0xcc: return unsigned(1).map { .int(Int64($0)) }
        case 0xcd: return unsigned(2).map { .int(Int64($0)) }
        case 0xce: return unsigned(4).map { .int(Int64($0)) }
        case 0xcf: return unsigned(8).map { $0 <= UInt64(Int64.max) ? .int(Int64($0)) : .uint($0) }
        case 0xd0: return unsigned(1).map { .int(Int64(Int8(truncatingIfNeeded: $0))) }
        case 0xd1: return unsigned(2).map { .int(Int64(Int16(truncatingIfNeeded: $0))) }
        case 0xd2: return unsigned(4).map { .int(Int64(Int32(truncatingIfNeeded: $0))) }
        case 0xd3: return unsigned(8).map { .int(Int64(bitPattern: $0)) }
        case 0xa0...0xbf: return string(0, fixed: Int(first & 0x1f))
        case 0xd9: return string(1)
        case 0xda: return string(2)
        case 0xdb: return string(4)
        default: return nil
        }
    }

    /// Reads a reply body (client side). A missing `result` reads as nil; anything
    /// else malformed fails with `INVALID_REQUEST` naming the field.
    public static func parse(_ frame: Data, limits: MessagePackLimits = .default) -> Result<ReplyEnvelope, EnvelopeError> {
        let body: MessagePackValue
        do {
            body = try MessagePack.decode(frame, limits: limits)
        } catch {
            return .failure(EnvelopeError(.invalidRequest, "reply is not readable: \(error)", id: nil))
        }
        guard case .map(let map) = body else {
            return .failure(EnvelopeError(.invalidRequest, "reply body must be a map, not \(body.kindName)", id: nil))
        }
        let fields: EnvelopeFields
        switch EnvelopeFields.read(map) {
        case .success(let f): fields = f
        case .failure(let error): return .failure(error)
        }
        let id = fields["id"] ?? .nil
        func fail(_ message: String, _ field: String) -> Result<ReplyEnvelope, EnvelopeError> {
            .failure(EnvelopeError(.invalidRequest, message, details: ["field": .string(field)], id: id))
        }
        guard let v = fields["v"]?.intValue, v == Int64(RequestEnvelope.currentVersion) else {
            return fail("reply v must be the integer 1", "v")
        }
        guard let ok = fields["ok"]?.boolValue else { return fail("reply ok must be a bool", "ok") }
        if ok {
            return .success(ReplyEnvelope(id: id, outcome: .success(fields["result"] ?? .nil)))
        }
        guard case .map(let errorMap)? = fields["error"] else { return fail("reply error must be a map", "error") }
        guard let code = errorMap["code"]?.stringValue else { return fail("reply error.code must be a string", "error.code") }
        guard let message = errorMap["message"]?.stringValue else {
            return fail("reply error.message must be a string", "error.message")
        }
        var details: MessagePackMap?
        switch errorMap["details"] {
        case nil, .nil?: break
        case .map(let d)?: details = d
        default: return fail("reply error.details must be a map", "error.details")
        }
        return .success(ReplyEnvelope(id: id, outcome: .failure(WireError(WireErrorCode(code), message, details: details))))
    }
}
