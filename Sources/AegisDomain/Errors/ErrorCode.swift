/// A machine-readable error code, the same string on the wire (CONTRACT.md).
///
/// An extensible struct rather than an enum, so a later code is not a
/// breaking change for code that switches over the known ones.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let invalidRequest = ErrorCode(rawValue: "INVALID_REQUEST")
    public static let unknownMethod = ErrorCode(rawValue: "UNKNOWN_METHOD")
    public static let invalidArgument = ErrorCode(rawValue: "INVALID_ARGUMENT")
    public static let unauthenticated = ErrorCode(rawValue: "UNAUTHENTICATED")
    public static let permissionDenied = ErrorCode(rawValue: "PERMISSION_DENIED")
    public static let notFound = ErrorCode(rawValue: "NOT_FOUND")
    public static let alreadyExists = ErrorCode(rawValue: "ALREADY_EXISTS")
    public static let conflict = ErrorCode(rawValue: "CONFLICT")
    public static let invalidTransition = ErrorCode(rawValue: "INVALID_TRANSITION")
    public static let failedPrecondition = ErrorCode(rawValue: "FAILED_PRECONDITION")
    public static let rateLimited = ErrorCode(rawValue: "RATE_LIMITED")
    public static let resourceExhausted = ErrorCode(rawValue: "RESOURCE_EXHAUSTED")
    public static let unavailable = ErrorCode(rawValue: "UNAVAILABLE")
    public static let `internal` = ErrorCode(rawValue: "INTERNAL")

    /// Every code defined by the contract, in its order; the same list as
    /// AegisWire's `WireErrorCode.allDefined` (`ErrorCodeListTests`).
    public static let allDefined: [ErrorCode] = [
        .invalidRequest, .unknownMethod, .invalidArgument, .unauthenticated, .permissionDenied, .notFound,
        .alreadyExists, .conflict, .invalidTransition, .failedPrecondition, .rateLimited, .resourceExhausted,
        .unavailable, .internal,
    ]
}
