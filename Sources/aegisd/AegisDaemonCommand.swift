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

    @Option(name: .long, help: "Data directory (env AEGIS_DATA_DIR, default ./var).")
    var dataDir: String?

    @Option(name: .long, help: "RPC (ROUTER) endpoint (env AEGIS_RPC_ENDPOINT, default \(DaemonSettings.defaultRPCEndpoint)).")
    var rpc: String?

    @Option(name: .long, help: "Events (PUB) endpoint (env AEGIS_EVENTS_ENDPOINT, default \(DaemonSettings.defaultEventsEndpoint)).")
    var events: String?

    @Option(name: .long, help: "Database URL: sqlite:PATH or postgres://... (env AEGIS_DATABASE_URL, default SQLite in the data directory).")
    var database: String?

    @Option(name: .long, help: "Catalog imported on first start when the catalog is empty: a STIX bundle or a folder of JSON files (env AEGIS_ATTACK_DATA).")
    var attackData: String?

    @Option(name: .long, help: "Worker threads (env AEGIS_WORKERS, default 8).")
    var workers: Int?

    @Option(name: .long, help: "Largest request or reply frame in bytes (env AEGIS_MAX_FRAME_BYTES, default 16 MiB).")
    var maxFrameBytes: Int?

    @Option(name: .long, help: "Requests one caller may have queued or running (env AEGIS_MAX_IN_FLIGHT, default \(RPCSettings.defaultMaxInFlightPerCaller)).")
    var maxInFlight: Int?

    @Option(name: .long, help: "Reply bytes one connection may leave unread (env AEGIS_MAX_UNREAD_BYTES, default 32 MiB).")
    var maxUnreadBytes: Int?

    @Option(name: .long, help: "Reply bytes all connections together may leave unread (env AEGIS_MAX_UNREAD_BYTES_TOTAL, default 256 MiB).")
    var maxUnreadBytesTotal: Int?

    @Option(name: .long, help: "Request bytes held at once, queued or being handled (env AEGIS_MAX_PENDING_REQUEST_BYTES, default 64 MiB).")
    var maxPendingRequestBytes: Int?

    @Option(name: .long, help: "Chunked uploads open at once (env AEGIS_MAX_UPLOADS, default 16).")
    var maxUploads: Int?

    @Option(name: .long, help: "Chunked uploads one principal may have open (env AEGIS_MAX_UPLOADS_PER_PRINCIPAL, default 4).")
    var maxUploadsPerPrincipal: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (env AEGIS_LOG_LEVEL, default info).")
    var logLevel: String?

    func run() async throws {
        MallocTuning.apply()
        umask(0o077)  // files the daemon creates are its own
        let env = ProcessInfo.processInfo.environment
        func setting(_ flag: String?, _ name: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let value = env[name], !value.isEmpty { return value }
            return nil
        }
        let level = Logger.Level(rawValue: setting(logLevel, "AEGIS_LOG_LEVEL") ?? "info") ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: "aegisd")
        // Each client connection takes a file descriptor.
        let openFiles = OpenFileLimit.raiseToHardLimit()
        logger.info("open files limit", metadata: ["limit": .string(openFiles.map(String.init) ?? "unknown")])

        guard let workers = Int(setting(workers.map(String.init), "AEGIS_WORKERS") ?? "8"), (1...256).contains(workers) else {
            throw ValidationError("workers must be between 1 and 256")
        }
        guard let frame = Int(setting(maxFrameBytes.map(String.init), "AEGIS_MAX_FRAME_BYTES") ?? "\(16 << 20)"),
            (64 << 10...256 << 20).contains(frame)
        else { throw ValidationError("max frame bytes must be between 64 KiB and 256 MiB") }

        func size(_ flag: Int?, _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = setting(flag.map(String.init), name) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ValidationError("\(name) must be a whole number between \(range.lowerBound) and \(range.upperBound)")
            }
            return value
        }
        let inFlight = try size(maxInFlight, "AEGIS_MAX_IN_FLIGHT", 1...100_000) ?? RPCSettings.defaultMaxInFlightPerCaller
        let unreadPerPeer = try size(maxUnreadBytes, "AEGIS_MAX_UNREAD_BYTES", 64 << 10...(1 << 40))
        let unreadTotal = try size(maxUnreadBytesTotal, "AEGIS_MAX_UNREAD_BYTES_TOTAL", 64 << 10...(1 << 40))
        let uploads = try size(maxUploads, "AEGIS_MAX_UPLOADS", 1...10_000) ?? 16
        let uploadsPerPrincipal = try size(maxUploadsPerPrincipal, "AEGIS_MAX_UPLOADS_PER_PRINCIPAL", 1...10_000) ?? 4
        let pendingBytes = try size(maxPendingRequestBytes, "AEGIS_MAX_PENDING_REQUEST_BYTES", 64 << 10...(1 << 40))

        let settings = DaemonSettings(
            dataDirectory: URL(fileURLWithPath: setting(dataDir, "AEGIS_DATA_DIR") ?? "./var"),
            rpcEndpoint: setting(rpc, "AEGIS_RPC_ENDPOINT") ?? DaemonSettings.defaultRPCEndpoint,
            eventsEndpoint: setting(events, "AEGIS_EVENTS_ENDPOINT") ?? DaemonSettings.defaultEventsEndpoint,
            databaseURL: setting(database, "AEGIS_DATABASE_URL"),
            attackData: setting(attackData, "AEGIS_ATTACK_DATA").map { URL(fileURLWithPath: $0) },
            workers: workers, maxFrameBytes: frame, maxUploads: uploads, maxUploadsPerPrincipal: uploadsPerPrincipal,
            maxInFlightPerCaller: inFlight, maxUnreadBytesPerPeer: unreadPerPeer,
            maxUnreadBytesTotal: unreadTotal, maxPendingRequestBytes: pendingBytes,
            instanceID: env["AEGIS_INSTANCE_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? DaemonSettings.defaultInstanceID)

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
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: daemon.services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
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
