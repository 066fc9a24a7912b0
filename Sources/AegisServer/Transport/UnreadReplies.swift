import Foundation
import ZeroMQ

/// How many reply bytes each connection has been sent but not yet received
/// (front thread only).
///
/// libzmq bounds what it queues for a peer by message count only, so a
/// client that sends requests and never reads would have the daemon keep
/// every reply. For each TCP connection the ledger counts the bytes handed
/// to libzmq for it (frames as they go on the wire) and asks the kernel how
/// many the peer has acknowledged (`TCP_INFO`); the difference is what the
/// daemon and its socket buffers still hold for it. Connections whose
/// transport cannot say (ipc, inproc) are not tracked.
struct UnreadReplies {
    private struct Peer {
        var descriptor: Int32
        /// Acknowledged bytes when the ledger first saw the connection
        /// (its ZMTP handshake), before any reply was sent.
        var acknowledgedBase: UInt64
        var sent: UInt64 = 0
        /// The last computed unread bytes (an upper bound: it only shrinks
        /// as the peer reads).
        var unread: UInt64 = 0
        var lastSeen: ContinuousClock.Instant
        /// Replies replaced since it stopped reading (0 while it reads).
        var refused: Int = 0
        var address: String?
    }

    let perPeer: UInt64
    let total: UInt64
    private var peers: [Data: Peer] = [:]
    private var byDescriptor: [Int32: Data] = [:]
    /// Σ `unread` over peers: an upper bound of the real total.
    private var estimatedTotal: UInt64 = 0
    private var lastRefresh = ContinuousClock.now - .seconds(1)
    /// Replies replaced by a short refusal since start.
    private(set) var refusedReplies = 0

    init(perPeer: Int, total: Int) {
        self.perPeer = UInt64(perPeer)
        self.total = UInt64(total)
    }

    /// Notes a request from `identity`; the first one starts tracking its
    /// connection.
    mutating func saw(_ identity: Data, peer: ZMQPeer, now: ContinuousClock.Instant) {
        if var known = peers[identity] {
            known.lastSeen = now
            peers[identity] = known
            return
        }
        guard let descriptor = peer.descriptor,
            let acknowledged = TCPProgress.bytesAcknowledged(descriptor: descriptor)
        else { return }
        // A descriptor is reused only after its connection closed.
        if let stale = byDescriptor[descriptor] { forget(stale) }
        peers[identity] = Peer(descriptor: descriptor, acknowledgedBase: acknowledged, lastSeen: now, address: peer.address)
        byDescriptor[descriptor] = identity
    }

    /// Whether the ledger tracks `identity`'s connection.
    func isTracked(_ identity: Data) -> Bool { peers[identity] != nil }

    /// Bytes `identity` has not received yet (0 when untracked), asked of
    /// the kernel.
    mutating func unread(_ identity: Data) -> UInt64 {
        guard var peer = peers[identity] else { return 0 }
        refresh(&peer)
        peers[identity] = peer
        return peer.unread
    }

    /// Whether new requests from `identity` are refused: it has its whole
    /// allowance unread, or it was refused and has not yet read half of it.
    /// The kernel is asked only when the last figure (an upper bound) says
    /// so, so a connection that reads costs one system call per allowance
    /// sent.
    mutating func isFull(_ identity: Data) -> Bool {
        guard let peer = peers[identity] else { return false }
        // Once refused, it stays refused until it has read half its allowance.
        if peer.refused > 0 { return unread(identity) >= perPeer / 2 }
        guard peer.unread >= perPeer else { return false }
        return unread(identity) >= perPeer
    }

    /// Whether `identity` may be sent `bytes` more now. False past the
    /// per-connection bound, or the total one once every connection's
    /// figure has been brought up to date.
    mutating func mayReceive(_ identity: Data, bytes: Int) -> Bool {
        guard let peer = peers[identity] else { return true }
        let extra = UInt64(bytes)
        if peer.unread + extra > perPeer, unread(identity) + extra > perPeer { return false }
        if estimatedTotal + extra > total {
            refreshAll()
            return estimatedTotal + extra <= total
        }
        return true
    }

    /// `bytes` were handed to libzmq for `identity`.
    mutating func sent(_ identity: Data, bytes: Int) {
        guard var peer = peers[identity] else { return }
        peer.sent += UInt64(bytes)
        peer.unread += UInt64(bytes)
        estimatedTotal += UInt64(bytes)
        peers[identity] = peer
    }

    /// Counts a reply replaced for `identity`; true for the first of an
    /// episode (worth a log line).
    mutating func refused(_ identity: Data) -> Bool {
        refusedReplies += 1
        guard var peer = peers[identity] else { return false }
        peer.refused += 1
        peers[identity] = peer
        return peer.refused == 1
    }

    /// Ends a refusal episode once `identity` reads again; returns how many
    /// replies it lost, or nil when it was not refused.
    mutating func recovered(_ identity: Data) -> Int? {
        guard var peer = peers[identity], peer.refused > 0 else { return nil }
        let lost = peer.refused
        peer.refused = 0
        peers[identity] = peer
        return lost
    }

    /// The connection's address, for log lines.
    func address(_ identity: Data) -> String? { peers[identity]?.address }

    /// The connection with `descriptor` closed.
    mutating func disconnected(descriptor: Int32) {
        if let identity = byDescriptor[descriptor] { forget(identity) }
    }

    /// The peer is gone (a send found no route to it).
    mutating func forget(_ identity: Data) {
        guard let peer = peers.removeValue(forKey: identity) else { return }
        if byDescriptor[peer.descriptor] == identity { byDescriptor[peer.descriptor] = nil }
        estimatedTotal -= min(estimatedTotal, peer.unread)
    }

    /// Drops connections idle since `before` that hold nothing unread (they
    /// are tracked afresh, exactly, if they come back).
    mutating func prune(idleSince before: ContinuousClock.Instant) {
        for (identity, peer) in peers where peer.lastSeen < before {
            if unread(identity) == 0 { forget(identity) }
        }
    }

    /// Connections tracked and the bytes they hold unread (upper bound).
    var tracked: (connections: Int, unreadBytes: UInt64) { (peers.count, estimatedTotal) }

    private mutating func refresh(_ peer: inout Peer) {
        guard let acknowledged = TCPProgress.bytesAcknowledged(descriptor: peer.descriptor) else { return }
        let received = acknowledged >= peer.acknowledgedBase ? acknowledged - peer.acknowledgedBase : 0
        let unread = peer.sent > received ? peer.sent - received : 0
        estimatedTotal = estimatedTotal - min(estimatedTotal, peer.unread) + unread
        peer.unread = unread
    }

    /// At most every 20 ms: a flood of refusals does not turn into a flood
    /// of system calls.
    private mutating func refreshAll() {
        let now = ContinuousClock.now
        guard now - lastRefresh >= .milliseconds(20) else { return }
        lastRefresh = now
        for identity in Array(peers.keys) where peers[identity]?.unread ?? 0 > 0 {
            _ = unread(identity)
        }
    }
}

extension UnreadReplies {
    /// Bytes a reply body takes on the wire: ZMTP frames after the routing
    /// id (the empty delimiter when the client sent one, then the body;
    /// each frame has a 2-byte header, or 9 bytes above 255 bytes).
    static func wireBytes(body: Int, delimited: Bool) -> Int {
        (delimited ? 2 : 0) + (body > 255 ? 9 : 2) + body
    }
}
