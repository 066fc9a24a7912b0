/// An error that chooses its own wire code. Anything thrown that does not
/// conform is reported to clients as `INTERNAL` with a request id only.
public protocol CodedError: Error, Sendable {
    var code: ErrorCode { get }
    /// For people; must not carry secrets, SQL or stack traces.
    var message: String { get }
    /// Machine-readable context (`field`, `from`, `to`, `retry_after_ms`...).
    var details: [String: Value] { get }
}

/// The domain's own coded error.
public struct AegisError: CodedError, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var details: [String: Value]

    public init(_ code: ErrorCode, _ message: String, details: [String: Value] = [:]) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }

    /// A parameter failed validation; `field` names it (dotted path).
    public static func invalidArgument(_ field: String, _ message: String) -> AegisError {
        AegisError(.invalidArgument, message, details: ["field": .string(field)])
    }

    /// `kind` with `id` does not exist.
    public static func notFound(_ kind: String, _ id: String) -> AegisError {
        AegisError(.notFound, "\(kind) \(id) not found", details: ["kind": .string(kind), "id": .string(id)])
    }

    public static func unauthenticated(_ message: String = "a valid auth token or API key is required") -> AegisError {
        AegisError(.unauthenticated, message)
    }

    public static func failedPrecondition(_ message: String, details: [String: Value] = [:]) -> AegisError {
        AegisError(.failedPrecondition, message, details: details)
    }

    public static func resourceExhausted(_ message: String, details: [String: Value] = [:]) -> AegisError {
        AegisError(.resourceExhausted, message, details: details)
    }

    public static func unavailable(_ message: String) -> AegisError {
        AegisError(.unavailable, message)
    }
}
