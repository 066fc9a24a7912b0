import AegisApp
import AegisDomain
import AegisRuntime
import AegisStore
import AegisWire
import Foundation
import Logging
import ZeroMQ

/// aegisd's composition: opens the data directory and the store, creates
/// the first admin key, imports the catalog on first start, and runs the
/// event publisher and the RPC server until stopped. Used by the `aegisd`
/// executable and, in process, by tests.
///
/// Each long-running part is a ``ThreadService``; ``services`` lists them in
/// dependency order (the store's writers and other threads, the publisher,
/// the RPC workers, the RPC front). `start` starts them in that order and
/// `stop` stops them in reverse; `aegisd` hands the same list to a
/// swift-service-lifecycle `ServiceGroup`, which stops them in reverse on
/// SIGTERM or SIGINT, and then calls `close`.
public final class Daemon: @unchecked Sendable {
    public let settings: DaemonSettings
    private let logger: Logger
    private var dataDirectory: DataDirectory
    private var context: ZMQContext?
    private var publisher: EventPublisher?
    private var server: RPCServer?
    private var store: (any StoreProvider)?
    private var supervisor: PluginSupervisor?
    private var rulesWatcher: RuleDirectoryWatcher?
    /// Held here: their services only hold them weakly.
    private var ruleStates: RuleStateTimer?
    private var retention: TelemetryRetentionTimer?
    private var running = false
    /// In start order.
    public private(set) var services: [ThreadService] = []

    /// The endpoints actually bound (wildcard ports resolved).
    public private(set) var rpcEndpoint = ""
    public private(set) var eventsEndpoint = ""

    public init(settings: DaemonSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.dataDirectory = DataDirectory(settings.dataDirectory)
    }

    /// Opens everything and starts every service in order; returns once the
    /// RPC endpoint answers.
    public func start() throws {
        try dataDirectory.open()
        do {
            try open()
            for service in services { service.start() }
            running = true
            try writeRuntimeFile()
        } catch {
            // Whatever started before the failure stops again, so the
            // context can end (it waits for every socket to close).
            server?.grace = .zero
            for service in services.reversed() { service.stop() }
            shutdownResources()
            throw error
        }
        logger.info(
            "aegisd ready",
            metadata: [
                "rpc": .string(rpcEndpoint), "events": .string(eventsEndpoint), "workers": .stringConvertible(settings.workers),
                "version": .string(settings.version),
            ])
    }

    /// Opens the store (starting its threads), binds the sockets and builds
    /// the services, without starting them.
    private func open() throws {
        let location = try StoreLocation.parse(settings.databaseURL, dataDirectory: settings.dataDirectory)
        // After each commit that announced events: drop cached reads, then
        // let the publisher send the events.
        let wake = PublisherWake()
        // On a shared store another instance may change what a cached read
        // answered, with no commit here to empty the cache: reads go to
        // the store every time.
        let readCache = location.isShared ? ReadCache(byteBudget: 0, maxEntryBytes: 0) : ReadCache()
        let principals = PrincipalCache()
        let store = try location.open(
            logger: logger,
            beforeReply: { events in
                readCache.invalidate()
                // Credentials changed: no cached principal may outlive the commit.
                if events.contains(where: { PrincipalCache.invalidatingEvents.contains($0.event.type) }) {
                    principals.removeAll()
                }
            },
            afterCommit: { events in wake.fire(events) },
            onAnyCommit: { upTo in wake.catchUp(upTo: upTo) })
        self.store = store
        let crypto = try SodiumCrypto()
        // A stopped plugin's credential must not outlive it in the cache.
        let pluginCredentials = LivePluginCredentials(crypto: crypto, onRevoke: { principals.removeAll() })
        let env = AppEnvironment(
            clock: SystemClock(), crypto: crypto,
            uploads: try FileUploadStaging(
                root: dataDirectory.uploads, expiry: settings.uploadExpiry, maxOpenUploads: settings.maxUploads,
                maxOpenUploadsPerActor: settings.maxUploadsPerPrincipal),
            blobs: try location.openBlobs(in: dataDirectory.blobs),
            instanceID: settings.instanceID, version: settings.version, startedAt: Date(), storeKind: store.kind,
            limits: .init(
                maxCatalogBytes: settings.maxCatalogBytes, maxFrameBytes: settings.maxFrameBytes,
                maxEvidenceBytes: settings.maxEvidenceBytes, sessionLifetime: settings.sessionLifetime),
            isLeader: { store.isLeader }, pluginCredentials: pluginCredentials)
        logger.info("store open", metadata: ["store": .string(location.redacted)])

        let bootstrapSession = try store.openSession()
        let directory = dataDirectory
        // Instances starting together on one database take turns, so the
        // first admin key and the catalog are created once.
        try store.exclusively {
            if let key = try AuthService(env: env).bootstrapAdminKey(
                session: bootstrapSession, deliver: { try directory.writeAdminKey($0) })
            {
                logger.notice(
                    "created the first admin API key; it is in the key file (mode 0600)",
                    metadata: ["key_id": .string(key.id), "key_file": .string(dataDirectory.adminKeyFile.path)])
            }
            try importCatalogOnFirstStart(env: env, session: bootstrapSession)
        }

        let methods = MethodTable.standard
        let mismatch = methods.policyMismatches()
        guard mismatch.unruled.isEmpty, mismatch.unserved.isEmpty else {
            throw DaemonError.configuration("method table and access policy disagree: \(mismatch)")
        }
        try checkPluginScopes(methods)
        let supervisor = try settings.plugins.isEmpty
            ? nil
            : PluginSupervisor(
                plugins: settings.plugins, policy: settings.pluginPolicy, credentials: pluginCredentials, env: env,
                session: try store.openSession(), logger: logger)

        // The rule engine, loaded now so the first batch of telemetry does
        // not wait for it; and the timer that reverts expired rule states.
        let rules = RuleBook()
        try rules.refresh(bootstrapSession)
        logger.info(
            "rule engine loaded",
            metadata: [
                "rules": .stringConvertible(rules.engine.rules.entries.count), "revision": .stringConvertible(rules.revision),
                "refused": .stringConvertible(rules.refused.count),
            ])
        let ruleStates = RuleStateTimer(env: env, session: try store.openSession(), logger: logger)
        let retention = TelemetryRetentionTimer(
            retention: TelemetryRetention(
                env: env, session: try store.openSession(), days: settings.telemetryRetentionDays,
                maxBytes: settings.telemetryMaxBytes),
            isLeader: { store.isLeader }, logger: logger)

        let context = try ZMQContext(ioThreads: 1)
        self.context = context
        let publisher = EventPublisher(
            context: context, endpoint: settings.eventsEndpoint, session: try store.openSession(),
            instance: settings.instanceID, logger: logger,
            onRead: { events in
                // Events another instance committed (a key it revoked, a user
                // it disabled) reach this one through the outbox, or handed
                // over after this instance numbered them.
                if events.contains(where: { PrincipalCache.invalidatingEvents.contains($0.event.type) }) {
                    principals.removeAll()
                }
                // A state set anywhere may expire sooner than the timer's next look.
                if events.contains(where: { $0.event.type == .ruleStateChanged }) { ruleStates.poke() }
            })
        try publisher.open()
        wake.target = publisher
        self.publisher = publisher
        eventsEndpoint = publisher.boundEndpoint

        // The rules directory, synced by the leader (docs/DETECTION.md).
        let rulesWatcher = try settings.rulesDirectory.map {
            RuleDirectoryWatcher(directory: $0, env: env, session: try store.openSession(), logger: logger)
        }
        let figures = ServerFigures()
        let server = RPCServer(
            settings: RPCSettings(
                endpoint: settings.rpcEndpoint, workers: settings.workers, maxFrameBytes: settings.maxFrameBytes,
                maxPendingRequestBytes: settings.maxPendingRequestBytes, maxInFlightPerCaller: settings.maxInFlightPerCaller,
                maxUnreadBytesPerPeer: settings.maxUnreadBytesPerPeer, maxUnreadBytesTotal: settings.maxUnreadBytesTotal),
            context: context,
            handler: RequestHandler(
                env: env, methods: methods, logger: logger, principals: principals, results: readCache, figures: figures,
                plugins: supervisor, rules: rules,
                rulesDirectory: rulesWatcher?.status ?? RuleDirectoryStatus(directory: nil)),
            store: store,
            logger: logger)
        figures.attach { [weak server] in server?.statistics ?? TransportStatistics() }
        try server.open()
        self.server = server
        rpcEndpoint = server.boundEndpoint
        services = ((store as? any StoreServices)?.services ?? []) + [publisher.service, ruleStates.service, retention.service]
            + server.services
        self.ruleStates = ruleStates
        self.retention = retention
        if let rulesWatcher {
            services.append(rulesWatcher.service)
            self.rulesWatcher = rulesWatcher
        }
        if let supervisor {
            // Plugins are stopped first, while the RPC front still answers them.
            supervisor.setEndpoints(.init(rpc: Self.connectable(rpcEndpoint), events: Self.connectable(eventsEndpoint)))
            services.append(supervisor.service)
            self.supervisor = supervisor
        }
    }

    /// Each plugin's scope names methods that exist (or prefixes of some),
    /// and its heartbeat timeout leaves room for two heartbeats.
    private func checkPluginScopes(_ methods: MethodTable) throws {
        for plugin in settings.plugins {
            guard plugin.heartbeatTimeout >= settings.pluginPolicy.heartbeatInterval * 2 else {
                throw DaemonError.configuration(
                    "plugin \(plugin.name): heartbeat_timeout must be at least twice the heartbeat interval "
                        + "(\(settings.pluginPolicy.heartbeatInterval))")
            }
            for entry in plugin.scope where !methods.names.contains(where: { PluginScope.allows([entry], $0) }) {
                throw DaemonError.configuration("plugin \(plugin.name): scope entry \(entry) names no method")
            }
        }
    }

    /// An endpoint a local client can connect to: a wildcard bind becomes loopback.
    static func connectable(_ endpoint: String) -> String {
        endpoint.replacingOccurrences(of: "://*:", with: "://127.0.0.1:").replacingOccurrences(of: "://0.0.0.0:", with: "://127.0.0.1:")
    }

    /// Requests a worker is on or will be (for tests and metrics).
    var requestsInFlight: Int { server?.requestsInFlight ?? 0 }

    /// The plugins as `plugin.list` shows them (for tests).
    var pluginStatuses: [PluginSupervisor.Status] { supervisor?.statuses ?? [] }

    /// What the RPC front holds and has refused.
    public var transportStatistics: TransportStatistics { server?.statistics ?? TransportStatistics() }

    /// Graceful stop: no new requests, in-flight ones answered within
    /// `grace`, committed events published, sockets and store closed.
    public func stop(grace: Duration = .seconds(10)) {
        guard running else { return }
        logger.info("aegisd stopping")
        server?.grace = grace
        for service in services.reversed() { service.stop() }
        close()
    }

    /// Closes the store and the sockets once the services have stopped (a
    /// `ServiceGroup` stops them; `stop` does too).
    public func close() {
        guard running else { return }
        running = false
        for service in services.reversed() { service.stop() }
        shutdownResources()
        logger.info("aegisd stopped")
    }

    private func shutdownResources() {
        services = []
        supervisor = nil
        rulesWatcher = nil
        ruleStates = nil
        retention = nil
        server = nil
        publisher = nil
        store?.close()
        store = nil
        context?.terminate()
        context = nil
        try? FileManager.default.removeItem(at: dataDirectory.runtimeFile)
        dataDirectory.close()
    }

    /// `<data-dir>/aegisd.json`: where this daemon listens, for local tools.
    private func writeRuntimeFile() throws {
        let info: [String: Any] = [
            "pid": Int(ProcessInfo.processInfo.processIdentifier), "rpc": rpcEndpoint, "events": eventsEndpoint,
            "version": settings.version,
        ]
        let data = try JSONSerialization.data(withJSONObject: info, options: [.sortedKeys])
        try data.write(to: dataDirectory.runtimeFile, options: .atomic)
    }

    private func importCatalogOnFirstStart(env: AppEnvironment, session: any StoreSession) throws {
        guard let source = settings.attackData else { return }
        let status = try session.read { try $0.catalog.status() }
        guard status.domains.isEmpty else { return }
        let files = try CatalogSourceFiles.read(source)
        let context = CallContext(requestID: "first-start", principal: nil, peer: nil, session: session)
        let summary = try CatalogService(env: env, context: context).importCatalog(files)
        for d in summary.domains {
            logger.info(
                "catalog imported",
                metadata: [
                    "domain": .string(d.domain), "version": .string(d.version),
                    "techniques": .stringConvertible(d.counts.techniques + d.counts.subtechniques),
                    "elapsed_ms": .stringConvertible(summary.elapsedMS),
                ])
        }
    }
}

/// Lets the store's commit hook reach the publisher created after it.
final class PublisherWake: @unchecked Sendable {
    weak var target: EventPublisher?
    func fire(_ events: [StoredEvent]) { target?.publish(events) }
    func catchUp(upTo: Int64?) { target?.catchUpFromOutbox(upTo: upTo) }
}

/// Reads a catalog source from the daemon's own file system: one JSON file,
/// or every `.json` file of a folder.
enum CatalogSourceFiles {
    static func read(_ url: URL) throws -> [UploadedFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DaemonError.catalog("AEGIS_ATTACK_DATA: \(url.path) does not exist")
        }
        let urls: [URL]
        if isDirectory.boolValue {
            urls = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        } else {
            urls = [url]
        }
        return try urls.map { UploadedFile(name: $0.lastPathComponent, content: try Data(contentsOf: $0, options: .alwaysMapped)) }
    }
}
