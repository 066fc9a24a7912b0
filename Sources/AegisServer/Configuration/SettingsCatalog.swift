/// Every setting of aegisd: its key in the config file, its environment
/// variable, its flag and its default, each stated here once. The loader
/// (``SettingsLoader``) resolves them flags first, then the environment,
/// then the config file, then these defaults.
public enum SettingsCatalog {
    public struct Entry: Sendable {
        /// In the config file (`aegisd.toml`).
        public var key: String
        public var environment: String
        /// `aegisd --FLAG`.
        public var flag: String
        public var help: String
        /// The default as shown in help; nil when there is none.
        public var defaultText: String?
    }

    public static let entries: [Entry] = [
        .init(key: "config", environment: "AEGIS_CONFIG", flag: "config",
            help: "A TOML config file holding any of these settings and the plugins", defaultText: nil),
        .init(key: "data_dir", environment: "AEGIS_DATA_DIR", flag: "data-dir", help: "Data directory",
            defaultText: SettingDefaults.dataDirectory),
        .init(key: "rpc_endpoint", environment: "AEGIS_RPC_ENDPOINT", flag: "rpc", help: "RPC (ROUTER) endpoint",
            defaultText: SettingDefaults.rpcEndpoint),
        .init(key: "events_endpoint", environment: "AEGIS_EVENTS_ENDPOINT", flag: "events", help: "Events (PUB) endpoint",
            defaultText: SettingDefaults.eventsEndpoint),
        .init(key: "database_url", environment: "AEGIS_DATABASE_URL", flag: "database",
            help: "Database URL: sqlite:PATH or postgres://...", defaultText: "SQLite in the data directory"),
        .init(key: "attack_data", environment: "AEGIS_ATTACK_DATA", flag: "attack-data",
            help: "Catalog imported on first start when the catalog is empty: a STIX bundle or a folder of JSON files",
            defaultText: nil),
        .init(key: "rules_dir", environment: "AEGIS_RULES_DIR", flag: "rules-dir",
            help: "Rules directory: its .yml, .yaml and .toml detection rules are watched and synced by the leader",
            defaultText: nil),
        .init(key: "workers", environment: "AEGIS_WORKERS", flag: "workers", help: "Worker threads (1 to 256)",
            defaultText: "\(SettingDefaults.workers)"),
        .init(key: "max_frame_bytes", environment: "AEGIS_MAX_FRAME_BYTES", flag: "max-frame-bytes",
            help: "Largest request or reply frame in bytes (64 KiB to 256 MiB)", defaultText: "16 MiB"),
        .init(key: "log_level", environment: "AEGIS_LOG_LEVEL", flag: "log-level",
            help: "Log level: trace, debug, info, notice, warning, error, critical", defaultText: SettingDefaults.logLevel),
        .init(key: "instance_id", environment: "AEGIS_INSTANCE_ID", flag: "instance-id",
            help: "Names this daemon in events' source", defaultText: "the host name"),
        .init(key: "max_in_flight", environment: "AEGIS_MAX_IN_FLIGHT", flag: "max-in-flight",
            help: "Requests one caller may have queued or running", defaultText: "\(SettingDefaults.maxInFlightPerCaller)"),
        .init(key: "max_unread_bytes", environment: "AEGIS_MAX_UNREAD_BYTES", flag: "max-unread-bytes",
            help: "Reply bytes one connection may leave unread", defaultText: "32 MiB"),
        .init(key: "max_unread_bytes_total", environment: "AEGIS_MAX_UNREAD_BYTES_TOTAL", flag: "max-unread-bytes-total",
            help: "Reply bytes all connections together may leave unread", defaultText: "256 MiB"),
        .init(key: "max_pending_request_bytes", environment: "AEGIS_MAX_PENDING_REQUEST_BYTES",
            flag: "max-pending-request-bytes", help: "Request bytes held at once, queued or being handled",
            defaultText: "64 MiB"),
        .init(key: "max_uploads", environment: "AEGIS_MAX_UPLOADS", flag: "max-uploads",
            help: "Chunked uploads open at once", defaultText: "\(SettingDefaults.maxUploads)"),
        .init(key: "max_uploads_per_principal", environment: "AEGIS_MAX_UPLOADS_PER_PRINCIPAL",
            flag: "max-uploads-per-principal", help: "Chunked uploads one principal may have open",
            defaultText: "\(SettingDefaults.maxUploadsPerPrincipal)"),
        .init(key: "telemetry_retention_days", environment: "AEGIS_TELEMETRY_RETENTION_DAYS",
            flag: "telemetry-retention-days", help: "Days telemetry events are kept (1 to 3650; detections stay)",
            defaultText: "\(SettingDefaults.telemetryRetentionDays)"),
        .init(key: "telemetry_max_bytes", environment: "AEGIS_TELEMETRY_MAX_BYTES", flag: "telemetry-max-bytes",
            help: "Bytes of telemetry event bodies kept at most; the oldest go first", defaultText: "10 GiB"),
    ]

    /// The entry of `key`.
    public static func entry(_ key: String) -> Entry? { entries.first { $0.key == key } }

    /// Help for the flag of `key`: what it is, its environment variable,
    /// its config key and its default.
    public static func help(_ key: String) -> String {
        guard let entry = entry(key) else { return key }
        let fallback = entry.defaultText.map { ", default \($0)" } ?? ""
        return "\(entry.help) (env \(entry.environment), config \(entry.key)\(fallback))."
    }
}

/// The defaults of the settings, stated once.
public enum SettingDefaults {
    public static let dataDirectory = "./var"
    public static let rpcEndpoint = "tcp://127.0.0.1:7700"
    public static let eventsEndpoint = "tcp://127.0.0.1:7701"
    public static let workers = 8
    public static let maxFrameBytes = 16 << 20
    public static let logLevel = "info"
    public static let maxInFlightPerCaller = 16
    public static let maxUnreadBytesPerPeer = 32 << 20
    public static let maxUnreadBytesTotal = 256 << 20
    public static let maxPendingRequestBytes = 64 << 20
    public static let maxUploads = 16
    public static let maxUploadsPerPrincipal = 4
    public static let maxCatalogBytes: Int64 = 512 << 20
    public static let maxEvidenceBytes: Int64 = 100 << 20
    public static let uploadExpiry: Double = 3600
    public static let telemetryRetentionDays = 7
    public static let telemetryMaxBytes: Int64 = 10 << 30
    public static let sessionLifetime: Double = 12 * 3600
}
