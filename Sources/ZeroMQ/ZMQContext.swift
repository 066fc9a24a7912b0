import CZeroMQ

/// A libzmq context: owns the I/O threads; sockets are created from it.
/// Thread-safe. Terminating it makes every blocking call on its sockets
/// return `ETERM`.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// `maxSockets`: sockets the context may hold (libzmq's default is 1,023).
    public init(ioThreads: Int32 = 1, maxSockets: Int32? = nil) throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads)
        if let maxSockets { zmq_ctx_set(handle, ZMQ_MAX_SOCKETS, maxSockets) }
        self.handle = handle
    }

    /// Ends the context; blocks until every socket is closed.
    public func terminate() {
        while zmq_ctx_term(handle) != 0, zmq_errno() == EINTR {}
    }

    /// Makes blocking calls on this context's sockets return `ETERM` without
    /// waiting for sockets to close.
    public func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    /// The libzmq version, e.g. `4.3.4`.
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
