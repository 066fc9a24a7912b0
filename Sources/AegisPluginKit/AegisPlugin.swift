import AegisClient
import AegisWire
import Foundation
import Synchronization

/// The runtime of a plugin written in Swift: reads what the supervisor put
/// in the environment, says `plugin.hello`, sends `plugin.heartbeat` at the
/// pace the hello reply gives (with the counters the plugin keeps in
/// ``count(_:by:)``), and stops cleanly on `SIGTERM`, or when aegisd goes
/// away (its stdin reaches end-of-file).
///
/// ```swift
/// let plugin = try AegisPlugin(version: "1.0.0", capabilities: ["sync"])
/// let client = try plugin.client()
/// while !plugin.isStopping {
///     ... client.call(...) ...
///     plugin.wait(.seconds(60))
/// }
/// ```
public final class AegisPlugin: @unchecked Sendable {
    public let environment: PluginEnvironment
    public let version: String
    public let capabilities: [String]
    /// From the hello reply.
    public private(set) var heartbeatInterval: Duration = .seconds(5)

    private let stopping = Atomic<Bool>(false)
    /// Signalled once at the stop; every waiter that takes it passes it on
    /// (monotonic waits: a wall-clock step never stretches them).
    private let stopped = DispatchSemaphore(value: 0)
    private let counters = Mutex<[String: Int64]>([:])
    private var heartbeatThread: Thread?
    private var signalSource: (any DispatchSourceSignal)?

    /// Reads the environment, says hello (retrying while aegisd is not yet
    /// answering, up to `helloWithin`), and starts the heartbeat.
    public init(
        version: String, capabilities: [String] = [], environment: PluginEnvironment? = nil,
        helloWithin: Duration = .seconds(10)
    ) throws {
        self.environment = try environment ?? PluginEnvironment()
        self.version = version
        self.capabilities = capabilities
        watchSignals()
        watchLifeline()
        try sayHello(within: helloWithin)
        startHeartbeat()
    }

    /// A new RPC client with this plugin's credential (one per thread).
    public func client(timeout: Duration = .seconds(30)) throws -> AegisClient {
        try AegisClient(endpoint: environment.rpcEndpoint, apiKey: environment.apiKey, timeout: timeout)
    }

    /// Events in `seq` order, without gaps, from after `afterSeq`.
    public func events(topics: [String] = [""], afterSeq: Int64 = 0) throws -> EventFollower {
        try EventFollower(plugin: self, topics: topics, afterSeq: afterSeq)
    }

    /// True once `SIGTERM` came or aegisd went away: finish and return.
    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Waits up to `duration`, returning early when stopping; true when stopping.
    @discardableResult
    public func wait(_ duration: Duration) -> Bool {
        if isStopping { return true }
        let nanoseconds = max(0, duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        if stopped.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success { stopped.signal() }
        return isStopping
    }

    /// Asks the plugin to stop (as `SIGTERM` does).
    public func stop() {
        let (first, _) = stopping.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing)
        if first { stopped.signal() }
    }

    /// Adds to a counter reported with every heartbeat (`errors`, `imported`...).
    public func count(_ name: String, by amount: Int64 = 1) {
        counters.withLock { $0[name, default: 0] += amount }
    }

    /// The counters so far.
    public var report: [String: Int64] { counters.withLock { $0 } }

    // MARK: Hello and heartbeat

    private func sayHello(within limit: Duration) throws {
        let client = try client(timeout: .seconds(5))
        let deadline = ContinuousClock.now + limit
        var params: MessagePackMap = ["name": .string(environment.name), "version": .string(version)]
        params.append(key: "capabilities", value: .array(capabilities.map { .string($0) }))
        while true {
            do {
                let reply = try client.call("plugin.hello", params)
                if let ms = reply["heartbeat_interval_ms"]?.intValue, ms > 0 { heartbeatInterval = .milliseconds(ms) }
                // Three beats fit in the timeout, whatever the interval says.
                if let ms = reply["heartbeat_timeout_ms"]?.intValue, ms > 0 {
                    heartbeatInterval = min(heartbeatInterval, .milliseconds(max(1, ms / 3)))
                }
                return
            } catch {
                if case .timeout = error, ContinuousClock.now < deadline, !isStopping { continue }
                throw error
            }
        }
    }

    private func startHeartbeat() {
        let thread = Thread { [weak self] in self?.heartbeatLoop() }
        thread.name = "aegis-plugin-heartbeat"
        heartbeatThread = thread
        thread.start()
    }

    private func heartbeatLoop() {
        guard let client = try? client(timeout: .seconds(5)) else { return }
        while !wait(heartbeatInterval) {
            var counters: MessagePackMap = [:]
            for (name, value) in report.sorted(by: { $0.key < $1.key }) { counters.append(key: .string(name), value: .int(value)) }
            do {
                _ = try client.call("plugin.heartbeat", ["status": .map(counters)])
            } catch {
                // Revoked: this run is over. Anything else: said, and tried again next time.
                if error.code == "UNAUTHENTICATED" { stop() }
                FileHandle.standardError.write(Data("plugin.heartbeat: \(error)\n".utf8))
            }
        }
    }

    // MARK: Stopping

    private func watchSignals() {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        source.setEventHandler { [weak self] in self?.stop() }
        source.resume()
        signalSource = source
    }

    /// aegisd holds the other end of stdin: end-of-file means it is gone.
    /// The plugin stops, and exits if it has not within five seconds.
    private func watchLifeline() {
        let thread = Thread { [weak self] in
            let input = FileHandle.standardInput
            while true {
                let data = input.availableData
                if data.isEmpty { break }
            }
            self?.stop()
            Thread.sleep(forTimeInterval: 5)
            exit(0)
        }
        thread.name = "aegis-plugin-lifeline"
        thread.start()
    }
}
