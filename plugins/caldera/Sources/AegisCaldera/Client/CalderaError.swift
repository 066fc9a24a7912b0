/// Why a call to Caldera failed. Every fault of the server or the network
/// ends as one of these; none is a crash.
public enum CalderaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing answers at the URL (refused, unknown host, connection lost).
    case unreachable(String)
    /// No answer within the request timeout, in seconds.
    case timedOut(Double)
    /// 401: the key is wrong, or the session was refused again after a
    /// fresh login.
    case unauthorized
    /// `POST /enter` gave no session cookie: wrong user name or password.
    case loginFailed
    /// 404, with Caldera's message.
    case notFound(String)
    /// 5xx: Caldera failed; retry later.
    case server(status: Int, message: String)
    /// Another unexpected status.
    case unexpectedStatus(Int, String)
    /// The body is not the JSON expected.
    case malformed(String)
    /// The body is larger than the configured bound, in bytes.
    case tooLarge(limit: Int)
    /// A parameter cannot be sent (an id that is not Caldera's shape).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .unreachable(let why): "Caldera is unreachable: \(why)"
        case .timedOut(let seconds): "Caldera did not answer within \(seconds) s"
        case .unauthorized: "Caldera refused the credentials (401)"
        case .loginFailed: "Caldera refused the user name or password (no session cookie from /enter)"
        case .notFound(let message): "not found in Caldera: \(message)"
        case .server(let status, let message): "Caldera failed (\(status)): \(message)"
        case .unexpectedStatus(let status, let message): "Caldera answered \(status): \(message)"
        case .malformed(let why): "Caldera's answer is malformed: \(why)"
        case .tooLarge(let limit): "Caldera's answer is larger than \(limit) bytes"
        case .invalidArgument(let why): why
        }
    }

    /// Worth trying again at the next poll (the server or network may recover).
    public var isTransient: Bool {
        switch self {
        case .unreachable, .timedOut, .server: true
        default: false
        }
    }
}
