#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A request body: `{v, id, method, params?, auth?}` (CONTRACT.md, "RPC frames").
public struct RequestEnvelope: Sendable, Equatable {
    /// The protocol version this code speaks.
    public static let currentVersion = 1
    /// Method names are short: `noun.verb`, at most this many bytes.
    public static let maxMethodNameBytes = 64

    public var v: Int
    /// Chosen by the client, echoed in the reply: `.int`/`.uint` or `.string`.
    public var id: MessagePackValue
    /// `noun.verb` in lower snake case, e.g. `test.submit_red`.
    public var method: String
    /// Named parameters; empty when the request had none.
    public var params: MessagePackMap
    /// Session token or API key.
    public var auth: String?

    public init(
        id: MessagePackValue, method: String, params: MessagePackMap = [:], auth: String? = nil,
        v: Int = RequestEnvelope.currentVersion
    ) {
        self.v = v
        self.id = id
        self.method = method
        self.params = params
        self.auth = auth
    }

    /// The body map, keys in the order v, id, method, params (omitted when empty), auth (omitted when nil).
    public var value: MessagePackValue {
        var map: MessagePackMap = ["v": .int(Int64(v)), "id": id, "method": .string(method)]
        if !params.isEmpty { map.append(key: "params", value: .map(params)) }
        if let auth { map.append(key: "auth", value: .string(auth)) }
        return .map(map)
    }

    /// The encoded body, as a client sends it.
    public func encoded() -> Data { MessagePack.encode(value) }

    /// Decodes `params` into `T` (paths in errors are relative to `params`).
    public func decodeParams<T: Decodable>(_ type: T.Type, using decoder: MessagePackDecoder = .init()) throws -> T {
        try decoder.decode(type, from: .map(params))
    }

    /// True if `name` matches `^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`.
    public static func isValidMethodName(_ name: String) -> Bool {
        guard name.utf8.count <= maxMethodNameBytes else { return false }
        var segments = 0
        var atSegmentStart = true
        for b in name.utf8 {
            if atSegmentStart {
                guard (0x61...0x7a).contains(b) else { return false }
                atSegmentStart = false
                segments += 1
            } else if b == 0x2e {
                atSegmentStart = true
            } else {
                guard (0x61...0x7a).contains(b) || (0x30...0x39).contains(b) || b == 0x5f else { return false }
            }
        }
        return !atSegmentStart && segments >= 2
    }

    /// Reads a request body.
    ///
    /// Over `limits.maxBytes` → `RESOURCE_EXHAUSTED`. Everything else wrong with
    /// the envelope → `INVALID_REQUEST`: not MessagePack or failing the pre-pass
    /// (no id), not a map, a non-string or repeated top-level key, `v` missing or
    /// not the integer 1 (`details.expected` = 1), `id` missing or not int/str,
    /// `method` missing, not a string or not `noun.verb`, `params` not a map,
    /// `auth` not a string. `params: nil` and `auth: nil` count as absent;
    /// unknown keys are ignored. `details.field` names the offending key. The
    /// error carries the request's `id` whenever that one is readable.
    public static func parse(_ frame: Data, limits: MessagePackLimits = .default) -> Result<RequestEnvelope, EnvelopeError> {
        guard frame.count <= limits.maxBytes else {
            return .failure(
                EnvelopeError(
                    .resourceExhausted, "request is \(frame.count) bytes, over the limit of \(limits.maxBytes)",
                    details: ["max_bytes": .int(Int64(limits.maxBytes))], id: nil))
        }
        let value: MessagePackValue
        do {
            value = try MessagePack.decode(frame, limits: limits)
        } catch {
            return .failure(EnvelopeError(.invalidRequest, "request is not readable: \(error)", id: nil))
        }
        return parse(value)
    }

    /// Checks an already decoded body; see ``parse(_:limits:)``.
    public static func parse(_ body: MessagePackValue) -> Result<RequestEnvelope, EnvelopeError> {
        guard case .map(let map) = body else {
            return .failure(EnvelopeError(.invalidRequest, "request body must be a map, not \(body.kindName)", id: nil))
        }
        let fields: EnvelopeFields
        switch EnvelopeFields.read(map) {
        case .success(let f): fields = f
        case .failure(let error): return .failure(error)
        }
        let id = fields["id"].flatMap { isValidID($0) ? $0 : nil }
        func fail(_ message: String, _ field: String, _ details: MessagePackMap = [:]) -> Result<RequestEnvelope, EnvelopeError> {
            var all: MessagePackMap = ["field": .string(field)]
            all.entries += details.entries
            return .failure(EnvelopeError(.invalidRequest, message, details: all, id: id))
        }

        guard let v = fields["v"] else { return fail("request has no v", "v", ["expected": 1]) }
        guard v.intValue == Int64(currentVersion) else {
            return fail("unsupported protocol version (v must be the integer 1)", "v", ["expected": 1])
        }
        guard let rawID = fields["id"] else { return fail("request has no id", "id") }
        guard isValidID(rawID) else { return fail("id must be an int or a string, not \(rawID.kindName)", "id") }
        guard let rawMethod = fields["method"] else { return fail("request has no method", "method") }
        guard case .string(let method) = rawMethod else {
            return fail("method must be a string, not \(rawMethod.kindName)", "method")
        }
        guard isValidMethodName(method) else {
            return fail("method must be noun.verb in lower snake case", "method")
        }
        var params = MessagePackMap()
        switch fields["params"] {
        case nil, .nil?: break
        case .map(let m)?: params = m
        case let other?: return fail("params must be a map, not \(other.kindName)", "params")
        }
        var auth: String?
        switch fields["auth"] {
        case nil, .nil?: break
        case .string(let s)?: auth = s
        case let other?: return fail("auth must be a string, not \(other.kindName)", "auth")
        }
        return .success(RequestEnvelope(id: rawID, method: method, params: params, auth: auth, v: currentVersion))
    }

    static func isValidID(_ value: MessagePackValue) -> Bool {
        switch value {
        case .int, .uint, .string: return true
        default: return false
        }
    }
}

/// Why a body is not a valid envelope, with the reply to send.
public struct EnvelopeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: WireErrorCode
    public var message: String
    public var details: MessagePackMap?
    /// The request's `id` if it could be read (int or str), to echo in the reply.
    public var id: MessagePackValue?

    public init(_ code: WireErrorCode, _ message: String, details: MessagePackMap? = nil, id: MessagePackValue?) {
        self.code = code
        self.message = message
        self.details = details
        self.id = id
    }

    /// The error part of the reply.
    public var wireError: WireError { WireError(code, message, details: details) }

    /// The complete failure reply, echoing ``id`` (nil when unknown).
    public func reply() -> Data { ReplyEnvelope.failure(id: id, error: wireError) }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// The string-keyed fields of an envelope map; rejects non-string and repeated keys.
struct EnvelopeFields {
    /// The top-level entries by key; an envelope has a handful, so a linear
    /// scan beats hashing.
    private var entries: [(key: String, value: MessagePackValue)] = []

    subscript(key: String) -> MessagePackValue? { entries.first { $0.key == key }?.value }

    static func read(_ map: MessagePackMap) -> Result<EnvelopeFields, EnvelopeError> {
        var fields = EnvelopeFields()
        fields.entries.reserveCapacity(map.count)
        var nonString: MessagePackValue?
        var repeated: String?
        for entry in map.entries {
            guard case .string(let key) = entry.key else {
                nonString = nonString ?? entry.key
                continue
            }
            if fields[key] == nil {
                fields.entries.append((key, entry.value))
            } else if repeated == nil {
                repeated = key
            }
        }
        // Echo the id only if it is unambiguous.
        let id = repeated == "id" ? nil : fields["id"].flatMap { RequestEnvelope.isValidID($0) ? $0 : nil }
        if let nonString {
            return .failure(EnvelopeError(.invalidRequest, "envelope keys must be strings, found \(nonString.kindName)", id: id))
        }
        if let repeated {
            return .failure(
                EnvelopeError(
                    .invalidRequest, "envelope repeats a key", details: ["field": .string(PathBuilder.clip(repeated))], id: id))
        }
        return .success(fields)
    }
}
