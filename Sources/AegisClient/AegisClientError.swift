import AegisWire

/// Why a call failed: the server said no (with its wire code), no reply came
/// in time, or the transport failed.
public enum AegisClientError: Error, CustomStringConvertible, Equatable {
    /// The server replied with an error.
    case remote(code: WireErrorCode, message: String, details: MessagePackMap?)
    /// No reply within the timeout.
    case timeout(method: String, seconds: Double)
    /// The reply could not be read, or a socket call failed.
    case transport(String)

    public var description: String {
        switch self {
        case let .remote(code, message, _): "\(code.rawValue): \(message)"
        case let .timeout(method, seconds): "TIMEOUT: no reply to \(method) within \(seconds) s"
        case let .transport(message): "TRANSPORT: \(message)"
        }
    }

    /// The wire code for `remote`, else `TIMEOUT` / `TRANSPORT`.
    public var code: String {
        switch self {
        case let .remote(code, _, _): code.rawValue
        case .timeout: "TIMEOUT"
        case .transport: "TRANSPORT"
        }
    }
}
