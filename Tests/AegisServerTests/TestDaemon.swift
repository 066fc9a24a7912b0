import AegisClient
import AegisDomain
import AegisServer
import AegisWire
import Foundation
import Logging
import Synchronization
import AegisTestSupport

/// An in-process aegisd on loopback with wildcard ports, a fresh data
/// directory and its log captured in memory.
final class TestDaemon: @unchecked Sendable {
    let directory: TemporaryDirectory
    let daemon: Daemon
    let adminKey: String
    /// The database this daemon runs on.
    let storeURL: String
    let log = LogCapture()

    /// `databaseURL`: the store to share with another `TestDaemon`; nil for
    /// a fresh one of the kind the run tests (`TestStore.kind`).
    init(
        maxFrameBytes: Int = 16 << 20, attackData: URL? = nil, workers: Int = 3, databaseURL: String? = nil,
        instanceID: String = "test", adminKey sharedKey: String? = nil,
        configure: (inout DaemonSettings) -> Void = { _ in }
    ) throws {
        directory = try TemporaryDirectory()
        let dataDirectory = directory.url.appendingPathComponent("data")
        let url = try databaseURL ?? {
            switch TestStore.kind {
            case .sqlite: "sqlite:" + dataDirectory.appendingPathComponent("aegis.sqlite").path
            case .postgres: try TestStore.freshURL(in: dataDirectory)
            }
        }()
        storeURL = url
        var settings = DaemonSettings(
            dataDirectory: dataDirectory, rpcEndpoint: "tcp://127.0.0.1:*",
            eventsEndpoint: "tcp://127.0.0.1:*", databaseURL: url, attackData: attackData, workers: workers,
            maxFrameBytes: maxFrameBytes, instanceID: instanceID)
        configure(&settings)
        let sink = log
        let logger = Logger(label: "aegisd") { label in JSONLogHandler(label: label, level: .debug, sink: sink.sink) }
        daemon = Daemon(settings: settings, logger: logger)
        try daemon.start()
        // A second instance of a deployment finds the key the first one
        // created in that one's data directory, not in its own.
        adminKey = try sharedKey
            ?? String(contentsOf: settings.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { daemon.stop(grace: .seconds(2)) }

    var dataDirectory: URL { daemon.settings.dataDirectory }

    /// The daemon's store, opened a second time (to set up or check what
    /// the daemon holds without going through it).
    func openStore() throws -> any StoreProvider { try TestStore.open(storeURL) }

    func client(key: String?? = .none, timeout: Duration = .seconds(30)) throws -> AegisClient {
        let apiKey: String? = switch key {
        case .none: adminKey
        case .some(let k): k
        }
        return try AegisClient(endpoint: daemon.rpcEndpoint, apiKey: apiKey, timeout: timeout)
    }

    /// Sends `body` as-is and returns the reply envelope.
    func raw(_ body: Data) throws -> ReplyEnvelope {
        let reply = try client().sendRaw(body)
        return try ReplyEnvelope.parse(reply).get()
    }
}

/// Captures log lines written through `JSONLogHandler`.
final class LogCapture: @unchecked Sendable {
    private let pipe = Pipe()
    private let buffer = LockedData()
    let sink: JSONLogSink

    init() {
        sink = JSONLogSink(handle: pipe.fileHandleForWriting)
        let buffer = self.buffer
        // AEGIS_TEST_LOG=1 shows the daemons' logs while debugging a test.
        let echo = ProcessInfo.processInfo.environment["AEGIS_TEST_LOG"] == "1"
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            buffer.append(data)
            if echo { FileHandle.standardError.write(data) }
        }
    }

    var text: String { buffer.text }
}

final class LockedData: Sendable {
    private let data = Mutex(Data())
    func append(_ more: Data) { data.withLock { $0.append(more) } }
    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// A daemon with the ICS catalog imported, shared by the tests that only
/// read from it.
enum SharedDaemon {
    private static let instance = Mutex<TestDaemon?>(nil)

    static func get() throws -> TestDaemon {
        try instance.withLock { cached in
            if let cached { return cached }
            let daemon = try TestDaemon()
            let client = try daemon.client()
            client.timeout = .seconds(120)
            _ = try client.call("catalog.import", ["files": .array([try icsFile()])])
            cached = daemon
            return daemon
        }
    }

    static func icsFile() throws -> MessagePackValue {
        .map(["name": "ics-attack-18.1.json", "content": .binary(try Data(contentsOf: TestData.icsBundle))])
    }
}

/// Waits until `condition` holds, polling, or fails after `timeout`.
func eventually(
    timeout: Duration = .seconds(10), _ condition: () throws -> Bool
) throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.001)
    }
    return try condition()
}
