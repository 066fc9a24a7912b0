/// Transport settings of the RPC endpoint. Every byte the front holds on a
/// client's behalf is bounded by one of them; docs/DEPLOYMENT.md adds them
/// up into the daemon's memory bound.
public struct RPCSettings: Sendable {
    public var endpoint: String
    public var workers: Int
    /// Largest request body answered normally; bigger ones get
    /// `RESOURCE_EXHAUSTED`.
    public var maxFrameBytes: Int
    /// libzmq's hard cap (`ZMQ_MAXMSGSIZE`): a peer sending more is
    /// disconnected without a reply. Above `maxFrameBytes` so that moderately
    /// oversized requests still get their error reply.
    public var hardMaxFrameBytes: Int64
    /// Requests waiting for a worker, at most.
    public var queueCapacity: Int
    /// Request bodies held at once (queued or on a worker, until the reply
    /// is sent), in bytes; past it the front answers `UNAVAILABLE`.
    public var maxPendingRequestBytes: Int
    /// Requests one caller (a principal, else a credential, else a
    /// connection) may have queued or on a worker; past it the front answers
    /// `RATE_LIMITED` at once.
    public var maxInFlightPerCaller: Int
    /// Reply bytes one connection may leave unread (sent, not yet received
    /// by its host); past it its replies are replaced by a short
    /// `RESOURCE_EXHAUSTED` until it reads.
    public var maxUnreadBytesPerPeer: Int
    /// The same for all connections together.
    public var maxUnreadBytesTotal: Int

    /// Bodies up to this size are read on the front thread; bigger ones by
    /// a worker.
    static let frontDecodeLimit = 64 << 10
    /// Replies libzmq queues for one connection, in messages (its only
    /// bound is a count; the bytes are bounded by ``maxUnreadBytesPerPeer``).
    static let sendHighWaterMark: Int32 = 10_000

    public init(
        endpoint: String, workers: Int, maxFrameBytes: Int, queueCapacity: Int = 4096,
        maxPendingRequestBytes: Int? = nil, maxInFlightPerCaller: Int = RPCSettings.defaultMaxInFlightPerCaller,
        maxUnreadBytesPerPeer: Int? = nil, maxUnreadBytesTotal: Int? = nil
    ) {
        self.endpoint = endpoint
        self.workers = workers
        self.maxFrameBytes = maxFrameBytes
        self.hardMaxFrameBytes = Int64(maxFrameBytes) * 4 + 65_536
        self.queueCapacity = queueCapacity
        // Each bound holds at least one largest frame, so a lone large
        // request or reply always fits.
        self.maxPendingRequestBytes = max(maxPendingRequestBytes ?? Self.defaultMaxPendingRequestBytes, maxFrameBytes)
        self.maxInFlightPerCaller = max(1, maxInFlightPerCaller)
        self.maxUnreadBytesPerPeer = max(maxUnreadBytesPerPeer ?? Self.defaultMaxUnreadBytesPerPeer, maxFrameBytes + 65_536)
        self.maxUnreadBytesTotal = max(maxUnreadBytesTotal ?? Self.defaultMaxUnreadBytesTotal, self.maxUnreadBytesPerPeer)
    }

    public static let defaultMaxPendingRequestBytes = SettingDefaults.maxPendingRequestBytes
    public static let defaultMaxInFlightPerCaller = SettingDefaults.maxInFlightPerCaller
    public static let defaultMaxUnreadBytesPerPeer = SettingDefaults.maxUnreadBytesPerPeer
    public static let defaultMaxUnreadBytesTotal = SettingDefaults.maxUnreadBytesTotal
}
