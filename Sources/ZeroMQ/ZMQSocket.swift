import CZeroMQ
import Foundation

/// One libzmq socket. Not thread-safe: exactly one thread uses it at a time
/// (`Sendable` only so it can be handed to the thread that will own it;
/// libzmq allows moving a socket between threads with a memory barrier).
public final class ZMQSocket: @unchecked Sendable {
    public enum Kind {
        case router, dealer, req, rep, pub, sub, push, pull, pair

        var raw: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            case .req: ZMQ_REQ
            case .rep: ZMQ_REP
            case .pub: ZMQ_PUB
            case .sub: ZMQ_SUB
            case .push: ZMQ_PUSH
            case .pull: ZMQ_PULL
            case .pair: ZMQ_PAIR
            }
        }
    }

    let handle: UnsafeMutableRawPointer
    private var closed = false

    public init(_ context: ZMQContext, _ kind: Kind) throws {
        guard let handle = zmq_socket(context.handle, kind.raw) else { throw ZMQError.last("zmq_socket") }
        self.handle = handle
        try set(ZMQ_LINGER, 0)
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }

    // MARK: Endpoints

    public func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("bind \(endpoint)") }
    }

    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("connect \(endpoint)") }
    }

    /// The endpoint actually bound, e.g. after binding `tcp://127.0.0.1:*`.
    public var lastEndpoint: String {
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Options

    /// Milliseconds before an unsent message is dropped at close (default 0).
    public func setLinger(_ ms: Int32) throws { try set(ZMQ_LINGER, ms) }
    /// Largest inbound message; larger ones disconnect the peer.
    public func setMaxMessageSize(_ bytes: Int64) throws { try set64(ZMQ_MAXMSGSIZE, bytes) }
    /// ROUTER: fail with `EHOSTUNREACH` instead of silently dropping a reply
    /// to a peer that is gone.
    public func setRouterMandatory(_ on: Bool) throws { try set(ZMQ_ROUTER_MANDATORY, on ? 1 : 0) }
    public func setSendTimeout(_ ms: Int32) throws { try set(ZMQ_SNDTIMEO, ms) }
    public func setReceiveTimeout(_ ms: Int32) throws { try set(ZMQ_RCVTIMEO, ms) }
    public func setSendHighWaterMark(_ messages: Int32) throws { try set(ZMQ_SNDHWM, messages) }
    public func setReceiveHighWaterMark(_ messages: Int32) throws { try set(ZMQ_RCVHWM, messages) }
    /// The kernel's receive buffer of each connection (`ZMQ_RCVBUF`, bytes).
    public func setReceiveBuffer(_ bytes: Int32) throws { try set(ZMQ_RCVBUF, bytes) }
    /// Queue messages only to completed connections.
    public func setImmediate(_ on: Bool) throws { try set(ZMQ_IMMEDIATE, on ? 1 : 0) }
    /// REQ: accept a new request after a lost reply instead of wedging.
    public func setRequestRelaxed(_ on: Bool) throws {
        try set(ZMQ_REQ_RELAXED, on ? 1 : 0)
        try set(ZMQ_REQ_CORRELATE, on ? 1 : 0)
    }

    /// SUB: receive messages whose topic starts with `prefix` ("" = all).
    public func subscribe(_ prefix: String) throws {
        let bytes = Array(prefix.utf8)
        guard zmq_setsockopt(handle, ZMQ_SUBSCRIBE, bytes, bytes.count) == 0 else {
            throw ZMQError.last("subscribe")
        }
    }

    private func set(_ option: Int32, _ value: Int32) throws {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError.last("setsockopt \(option)")
        }
    }

    private func set64(_ option: Int32, _ value: Int64) throws {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError.last("setsockopt \(option)")
        }
    }

    // MARK: Messages

    /// Sends `frames` as one multipart message. With `dontWait`, throws an
    /// error whose `wouldBlock` is true instead of blocking.
    public func send(_ frames: [Data], dontWait: Bool = false) throws {
        for (i, frame) in frames.enumerated() {
            var flags: Int32 = i < frames.count - 1 ? ZMQ_SNDMORE : 0
            if dontWait { flags |= ZMQ_DONTWAIT }
            let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            if rc < 0 { throw ZMQError.last("send") }
        }
    }

    /// Receives one multipart message; nil when `dontWait` and none is
    /// waiting, or when the receive timeout expired.
    public func receive(dontWait: Bool = false) throws -> [Data]? {
        var ignored = ZMQPeer()
        return try receive(dontWait: dontWait, peer: &ignored, wantPeer: false)
    }

    /// Receives one multipart message and where it came from (TCP:
    /// `Peer-Address`, e.g. `127.0.0.1`, and the connection's descriptor).
    public func receiveWithPeer(dontWait: Bool = false) throws -> (frames: [Data], peer: ZMQPeer)? {
        var peer = ZMQPeer()
        guard let frames = try receive(dontWait: dontWait, peer: &peer, wantPeer: true) else { return nil }
        return (frames, peer)
    }

    private func receive(dontWait: Bool, peer: inout ZMQPeer, wantPeer: Bool) throws -> [Data]? {
        var frames: [Data] = []
        var message = zmq_msg_t()
        while true {
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            while zmq_msg_recv(&message, handle, dontWait && frames.isEmpty ? ZMQ_DONTWAIT : 0) < 0 {
                let error = ZMQError.last("receive")
                if error.isInterrupted { continue }
                if error.wouldBlock, frames.isEmpty { return nil }
                throw error
            }
            let size = zmq_msg_size(&message)
            if wantPeer, frames.isEmpty {
                if let address = zmq_msg_gets(&message, "Peer-Address") { peer.address = String(cString: address) }
                let fd = zmq_msg_get(&message, ZMQ_SRCFD)
                if fd >= 0 { peer.descriptor = fd }
            }
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Pollable events currently pending (`ZMQ_EVENTS`).
    public var hasInput: Bool {
        var events: Int32 = 0
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(handle, ZMQ_EVENTS, &events, &size) == 0 else { return false }
        return events & Int32(ZMQ_POLLIN) != 0
    }
}

/// Where a message came from: the peer's address and, for stream
/// transports, the descriptor of its connection (libzmq's `ZMQ_SRCFD`),
/// which stays valid only while that connection is open.
public struct ZMQPeer: Sendable, Equatable {
    public var address: String?
    public var descriptor: Int32?

    public init(address: String? = nil, descriptor: Int32? = nil) {
        self.address = address
        self.descriptor = descriptor
    }
}
