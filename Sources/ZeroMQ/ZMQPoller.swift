import CZeroMQ

/// Waits for input on several sockets (`zmq_poll`). Blocking: call it only
/// from a thread the daemon owns.
public struct ZMQPoller {
    private var items: [zmq_pollitem_t]

    public init(_ sockets: [ZMQSocket]) {
        items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0) }
    }

    /// Waits up to `timeoutMS` (-1: forever). Returns, per socket in the
    /// order given, whether it has input. Throws on `ETERM`.
    public mutating func poll(timeoutMS: Int) throws -> [Bool] {
        while true {
            let rc = zmq_poll(&items, Int32(items.count), timeoutMS)
            if rc >= 0 { return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 } }
            let error = ZMQError.last("poll")
            if error.isInterrupted { continue }
            throw error
        }
    }
}
