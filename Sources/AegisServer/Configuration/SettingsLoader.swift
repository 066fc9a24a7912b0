import AegisDomain
import Foundation
import TOMLKit

/// Resolves aegisd's settings: each from its flag, else its environment
/// variable, else the config file, else its default (``SettingsCatalog``).
/// Any bad value is a ``SettingsError`` naming where it came from.
public struct SettingsLoader {
    /// Flag values given, by setting key.
    public var flags: [String: String]
    public var environment: [String: String]

    public init(flags: [String: String], environment: [String: String]) {
        self.flags = flags.filter { !$0.value.isEmpty }
        self.environment = environment.filter { !$0.value.isEmpty }
    }

    /// What aegisd starts with.
    public struct Loaded: Sendable {
        public var daemon: DaemonSettings
        public var logLevel: String
        /// The config file read, if any.
        public var configPath: String?
    }

    public func load() throws(SettingsError) -> Loaded {
        let configPath = flags["config"] ?? environment["AEGIS_CONFIG"]
        let file = try configPath.map { path throws(SettingsError) in try ConfigFile(path: path) }
        let resolve = Resolver(flags: flags, environment: environment, file: file)

        let logLevel = try resolve.string("log_level") ?? SettingDefaults.logLevel
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw resolve.fail("log_level", "must be one of trace, debug, info, notice, warning, error, critical")
        }
        var daemon = DaemonSettings(
            dataDirectory: URL(fileURLWithPath: try resolve.string("data_dir") ?? SettingDefaults.dataDirectory),
            rpcEndpoint: try resolve.string("rpc_endpoint") ?? SettingDefaults.rpcEndpoint,
            eventsEndpoint: try resolve.string("events_endpoint") ?? SettingDefaults.eventsEndpoint,
            databaseURL: try resolve.string("database_url"),
            attackData: try resolve.string("attack_data").map { URL(fileURLWithPath: $0) },
            rulesDirectory: try resolve.string("rules_dir").map { URL(fileURLWithPath: $0) },
            workers: try resolve.int("workers", 1...256) ?? SettingDefaults.workers,
            maxFrameBytes: try resolve.int("max_frame_bytes", 64 << 10...256 << 20) ?? SettingDefaults.maxFrameBytes,
            maxUploads: try resolve.int("max_uploads", 1...10_000) ?? SettingDefaults.maxUploads,
            maxUploadsPerPrincipal: try resolve.int("max_uploads_per_principal", 1...10_000)
                ?? SettingDefaults.maxUploadsPerPrincipal,
            maxInFlightPerCaller: try resolve.int("max_in_flight", 1...100_000) ?? SettingDefaults.maxInFlightPerCaller,
            maxUnreadBytesPerPeer: try resolve.int("max_unread_bytes", 64 << 10...(1 << 40)),
            maxUnreadBytesTotal: try resolve.int("max_unread_bytes_total", 64 << 10...(1 << 40)),
            maxPendingRequestBytes: try resolve.int("max_pending_request_bytes", 64 << 10...(1 << 40)),
            telemetryRetentionDays: try resolve.int("telemetry_retention_days", 1...3650)
                ?? SettingDefaults.telemetryRetentionDays,
            telemetryMaxBytes: try resolve.int("telemetry_max_bytes", 1 << 20...(1 << 50)).map(Int64.init)
                ?? SettingDefaults.telemetryMaxBytes,
            instanceID: try resolve.string("instance_id") ?? DaemonSettings.defaultInstanceID)
        daemon.plugins = file?.plugins ?? []
        return Loaded(daemon: daemon, logLevel: logLevel, configPath: configPath)
    }
}

/// One setting's value from wherever it is given first.
private struct Resolver {
    let flags: [String: String]
    let environment: [String: String]
    let file: ConfigFile?

    private enum Given {
        case flag(String), environment(String, variable: String), file(any TOMLValueConvertible)
    }

    private func given(_ key: String) -> Given? {
        if let value = flags[key] { return .flag(value) }
        if let entry = SettingsCatalog.entry(key), let value = environment[entry.environment] {
            return .environment(value, variable: entry.environment)
        }
        return file?.values[key].map(Given.file)
    }

    func fail(_ key: String, _ problem: String) -> SettingsError {
        switch given(key) {
        case .flag?: return SettingsError("--\(SettingsCatalog.entry(key)?.flag ?? key): \(problem)")
        case .environment(_, let variable)?: return SettingsError("\(variable): \(problem)")
        case .file?, nil: return file?.fail(key, problem) ?? SettingsError("\(key): \(problem)")
        }
    }

    func string(_ key: String) throws(SettingsError) -> String? {
        switch given(key) {
        case nil: return nil
        case .flag(let text)?, .environment(let text, _)?: return text
        case .file(let value)?:
            guard let text = value.string else { throw fail(key, "must be a string") }
            return text.isEmpty ? nil : text
        }
    }

    func int(_ key: String, _ range: ClosedRange<Int>) throws(SettingsError) -> Int? {
        let number: Int?
        switch given(key) {
        case nil: return nil
        case .flag(let text)?, .environment(let text, _)?: number = Int(text)
        case .file(let value)?: number = value.int
        }
        guard let number, range.contains(number) else {
            throw fail(key, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
