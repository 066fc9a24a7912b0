import CZeroMQ
import Foundation

/// Connection events of one socket (`zmq_socket_monitor`), delivered on an
/// inproc PAIR socket that the monitoring thread owns and reads.
public final class ZMQMonitor {
    /// One event: what happened and its value (for connection events, the
    /// connection's descriptor).
    public struct Event: Sendable, Equatable {
        public var kind: Int32
        public var value: Int32

        /// The peer's connection closed (value: its descriptor).
        public static let disconnected = ZMQ_EVENT_DISCONNECTED

        public var isDisconnect: Bool { kind == Self.disconnected }
    }

    /// The PAIR socket the events arrive on; poll it with the others.
    public let socket: ZMQSocket

    /// Starts monitoring `events` (a mask of `ZMQ_EVENT_*`) of `monitored`.
    public init(_ monitored: ZMQSocket, context: ZMQContext, events: Int32) throws {
        let endpoint = "inproc://aegis-monitor-\(UInt64.random(in: 0...UInt64.max))"
        guard zmq_socket_monitor(monitored.handle, endpoint, events) == 0 else {
            throw ZMQError.last("zmq_socket_monitor")
        }
        socket = try ZMQSocket(context, .pair)
        try socket.connect(endpoint)
    }

    /// The events waiting, without blocking.
    public func drain() -> [Event] {
        var events: [Event] = []
        while let frames = (try? socket.receive(dontWait: true)) ?? nil {
            // First frame: a 16-bit event id then a 32-bit value, host order.
            guard let first = frames.first, first.count >= 6 else { continue }
            let kind = first.withUnsafeBytes { Int32($0.loadUnaligned(fromByteOffset: 0, as: UInt16.self)) }
            let value = first.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2, as: Int32.self) }
            events.append(Event(kind: kind, value: value))
        }
        return events
    }

    public func close() { socket.close() }
}
