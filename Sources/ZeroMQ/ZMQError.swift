import CZeroMQ

/// A libzmq failure, with its errno.
public struct ZMQError: Error, CustomStringConvertible, Equatable {
    public var errno: Int32
    public var operation: String

    /// The last error of the calling thread.
    static func last(_ operation: String) -> ZMQError { ZMQError(errno: zmq_errno(), operation: operation) }

    public var description: String { "\(operation): \(String(cString: zmq_strerror(errno)))" }

    /// The call would have blocked (non-blocking send/receive).
    public var wouldBlock: Bool { errno == EAGAIN }
    /// The context was terminated: the owning thread should close and exit.
    public var isTerminated: Bool { errno == ETERM }
    /// Interrupted by a signal; retry.
    public var isInterrupted: Bool { errno == EINTR }
    /// ROUTER_MANDATORY: the peer is gone.
    public var isUnroutable: Bool { errno == EHOSTUNREACH }
}
