import AegisServer
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

/// aegisd: the Aegis daemon. Flags override environment variables, which
/// override defaults; see README.md.
@main
struct AegisDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aegisd", abstract: "The Aegis purple-team coverage daemon.", version: AegisVersion.current)

    // Each flag's help, environment variable and default: SettingsCatalog.
    @Option(name: .customLong("config"), help: .init(SettingsCatalog.help("config"))) var config: String?
    @Option(name: .customLong("data-dir"), help: .init(SettingsCatalog.help("data_dir"))) var dataDir: String?
    @Option(name: .customLong("rpc"), help: .init(SettingsCatalog.help("rpc_endpoint"))) var rpc: String?
    @Option(name: .customLong("events"), help: .init(SettingsCatalog.help("events_endpoint"))) var events: String?
    @Option(name: .customLong("database"), help: .init(SettingsCatalog.help("database_url"))) var database: String?
    @Option(name: .customLong("attack-data"), help: .init(SettingsCatalog.help("attack_data"))) var attackData: String?
    @Option(name: .customLong("rules-dir"), help: .init(SettingsCatalog.help("rules_dir"))) var rulesDir: String?
    @Option(name: .customLong("workers"), help: .init(SettingsCatalog.help("workers"))) var workers: String?
    @Option(name: .customLong("max-frame-bytes"), help: .init(SettingsCatalog.help("max_frame_bytes")))
    var maxFrameBytes: String?
    @Option(name: .customLong("log-level"), help: .init(SettingsCatalog.help("log_level"))) var logLevel: String?
    @Option(name: .customLong("instance-id"), help: .init(SettingsCatalog.help("instance_id"))) var instanceID: String?
    @Option(name: .customLong("max-in-flight"), help: .init(SettingsCatalog.help("max_in_flight"))) var maxInFlight: String?
    @Option(name: .customLong("max-unread-bytes"), help: .init(SettingsCatalog.help("max_unread_bytes")))
    var maxUnreadBytes: String?
    @Option(name: .customLong("max-unread-bytes-total"), help: .init(SettingsCatalog.help("max_unread_bytes_total")))
    var maxUnreadBytesTotal: String?
    @Option(
        name: .customLong("max-pending-request-bytes"), help: .init(SettingsCatalog.help("max_pending_request_bytes")))
    var maxPendingRequestBytes: String?
    @Option(name: .customLong("max-uploads"), help: .init(SettingsCatalog.help("max_uploads"))) var maxUploads: String?
    @Option(
        name: .customLong("max-uploads-per-principal"), help: .init(SettingsCatalog.help("max_uploads_per_principal")))
    var maxUploadsPerPrincipal: String?
    @Option(name: .customLong("telemetry-retention-days"), help: .init(SettingsCatalog.help("telemetry_retention_days")))
    var telemetryRetentionDays: String?
    @Option(name: .customLong("telemetry-max-bytes"), help: .init(SettingsCatalog.help("telemetry_max_bytes")))
    var telemetryMaxBytes: String?

    /// The flags given, by setting key.
    private var flags: [String: String] {
        let given: [(String, String?)] = [
            ("config", config), ("data_dir", dataDir), ("rpc_endpoint", rpc), ("events_endpoint", events),
            ("database_url", database), ("attack_data", attackData), ("rules_dir", rulesDir),
            ("workers", workers),
            ("max_frame_bytes", maxFrameBytes), ("log_level", logLevel), ("instance_id", instanceID),
            ("max_in_flight", maxInFlight), ("max_unread_bytes", maxUnreadBytes),
            ("max_unread_bytes_total", maxUnreadBytesTotal), ("max_pending_request_bytes", maxPendingRequestBytes),
            ("max_uploads", maxUploads), ("max_uploads_per_principal", maxUploadsPerPrincipal),
            ("telemetry_retention_days", telemetryRetentionDays), ("telemetry_max_bytes", telemetryMaxBytes),
        ]
        return Dictionary(given.compactMap { key, value in value.map { (key, $0) } }) { $1 }
    }

    func run() async throws {
        MallocTuning.apply()
        StandardDescriptors.ensureOpen()
        umask(0o077)  // files the daemon creates are its own
        let loaded: SettingsLoader.Loaded
        do {
            loaded = try SettingsLoader(flags: flags, environment: ProcessInfo.processInfo.environment).load()
        } catch {
            // Before logging is set up: plainly, on stderr.
            FileHandle.standardError.write(Data("aegisd: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        let level = Logger.Level(rawValue: loaded.logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: "aegisd")
        // Each client connection takes a file descriptor.
        let openFiles = OpenFileLimit.raiseToHardLimit()
        logger.info("open files limit", metadata: ["limit": .string(openFiles.map(String.init) ?? "unknown")])
        if let path = loaded.configPath { logger.info("config file read", metadata: ["path": .string(path)]) }
        let settings = loaded.daemon

        let daemon = Daemon(settings: settings, logger: logger)
        // Opening touches the store and binds sockets: a thread of its own,
        // not the cooperative pool.
        do {
            try await onOwnThread { try daemon.start() }
        } catch {
            logger.critical("aegisd failed", metadata: ["error": .string(String(describing: error))])
            throw ExitCode.failure
        }
        // Every long-running part is a service, started in order above; the
        // group stops them in reverse on SIGTERM or SIGINT.
        // A part that ends by itself stops the others the same orderly way.
        var configuration = ServiceGroupConfiguration(
            services: daemon.services.map {
                .init(
                    service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: $0.name)
            },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Past this, whatever is still stopping is cancelled.
        configuration.maximumGracefulShutdownDuration = .seconds(60)
        let group = ServiceGroup(configuration: configuration)
        var failure: (any Error)?
        do { try await group.run() } catch { failure = error }
        try await onOwnThread { daemon.close() }
        if let failure {
            logger.critical("aegisd failed", metadata: ["error": .string(String(describing: failure))])
            throw ExitCode.failure
        }
    }
}

/// Runs `body` on a thread of its own (it blocks: the store, sockets, joins).
private func onOwnThread(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        Thread {
            do {
                try body()
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }.start()
    }
}
