/// A wire error code (`error.code` in a reply). Extensible: unknown codes
/// from newer peers are kept as they are.
public struct WireErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    /// The envelope itself is unreadable or malformed.
    public static let invalidRequest = WireErrorCode("INVALID_REQUEST")
    /// No such method.
    public static let unknownMethod = WireErrorCode("UNKNOWN_METHOD")
    /// Params fail validation; `details.field` names the field.
    public static let invalidArgument = WireErrorCode("INVALID_ARGUMENT")
    /// Missing or invalid credentials.
    public static let unauthenticated = WireErrorCode("UNAUTHENTICATED")
    /// Authenticated but not allowed.
    public static let permissionDenied = WireErrorCode("PERMISSION_DENIED")
    public static let notFound = WireErrorCode("NOT_FOUND")
    public static let alreadyExists = WireErrorCode("ALREADY_EXISTS")
    /// Stale `version` in optimistic concurrency.
    public static let conflict = WireErrorCode("CONFLICT")
    /// The state machine refuses; `details.from`, `details.to`.
    public static let invalidTransition = WireErrorCode("INVALID_TRANSITION")
    public static let failedPrecondition = WireErrorCode("FAILED_PRECONDITION")
    /// `details.retry_after_ms` says when to retry.
    public static let rateLimited = WireErrorCode("RATE_LIMITED")
    /// A size limit was exceeded.
    public static let resourceExhausted = WireErrorCode("RESOURCE_EXHAUSTED")
    /// A dependency is down; retry later.
    public static let unavailable = WireErrorCode("UNAVAILABLE")
    /// A bug; the message carries a request id to find in the logs.
    public static let `internal` = WireErrorCode("INTERNAL")

    /// Every code defined by the contract, in its order; the same list as
    /// the domain's `ErrorCode.allDefined` (checked by the server's tests).
    public static let allDefined: [WireErrorCode] = [
        .invalidRequest, .unknownMethod, .invalidArgument, .unauthenticated, .permissionDenied, .notFound,
        .alreadyExists, .conflict, .invalidTransition, .failedPrecondition, .rateLimited, .resourceExhausted,
        .unavailable, .internal,
    ]
}

/// The content of an error reply: `code`, `message` (for people) and optional machine-readable `details`.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: WireErrorCode
    public var message: String
    public var details: MessagePackMap?

    public init(_ code: WireErrorCode, _ message: String, details: MessagePackMap? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// The reply's `error` map: keys `code`, `message`, then `details` when present.
    public var value: MessagePackValue {
        var map: MessagePackMap = ["code": .string(code.rawValue), "message": .string(message)]
        if let details { map.append(key: "details", value: .map(details)) }
        return .map(map)
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
