import Foundation
import AegisTestSupport

/// The built executables: `AEGIS_BIN_DIR` (set by `make test`), else
/// `<repo>/.build/debug`.
enum Binaries {
    static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["AEGIS_BIN_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return TestData.repository.appendingPathComponent(".build/debug")
    }

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
}

/// What a finished command printed and how it exited.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Our environment without Aegis settings (so the caller's never leak in),
/// plus `extra`.
func cleanEnvironment(_ extra: [String: String]) -> [String: String] {
    ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AEGIS_") }.merging(extra) { $1 }
}

/// Runs `aegisctl` with `arguments` and `extra` environment.
func aegisctl(_ arguments: [String], environment extra: [String: String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = Binaries.url("aegisctl")
    process.arguments = arguments
    process.environment = cleanEnvironment(extra)
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting so a full pipe cannot block the child.
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// aegisd as a child process on wildcard loopback ports.
final class DaemonProcess {
    let directory: TemporaryDirectory
    let process = Process()
    private let logPipe = Pipe()
    private let logBuffer = LogBuffer()
    private(set) var rpc = ""
    private(set) var events = ""

    var dataDirectory: URL { directory.url.appendingPathComponent("data") }

    /// `openFileLimit`: the soft limit of open files aegisd starts with
    /// (set by a shell in front of it), as on machines that default to 1,024.
    init(
        extraArguments: [String] = [], environment: [String: String] = [:], reusing: TemporaryDirectory? = nil,
        openFileLimit: Int? = nil
    ) throws {
        directory = try reusing ?? TemporaryDirectory()
        try? FileManager.default.removeItem(at: directory.url.appendingPathComponent("data/aegisd.json"))
        let arguments =
            ["--data-dir", dataDirectory.path, "--rpc", "tcp://127.0.0.1:*", "--events", "tcp://127.0.0.1:*"]
            + extraArguments
        if let openFileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                ["-c", "ulimit -Sn \(openFileLimit) && exec \"$0\" \"$@\"", Binaries.url("aegisd").path] + arguments
        } else {
            process.executableURL = Binaries.url("aegisd")
            process.arguments = arguments
        }
        process.environment = cleanEnvironment(environment)
        process.standardError = logPipe
        // Read the log as it comes, so a chatty daemon never blocks on a full pipe.
        let buffer = logBuffer
        logPipe.fileHandleForReading.readabilityHandler = { buffer.append($0.availableData) }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let runtime = dataDirectory.appendingPathComponent("aegisd.json")
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, process.isRunning {
            if let data = try? Data(contentsOf: runtime),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let rpc = object["rpc"] as? String, let events = object["events"] as? String
            {
                self.rpc = rpc
                self.events = events
                return
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw DaemonProcessError.didNotStart
    }

    /// The environment aegisctl needs to find this daemon.
    var clientEnvironment: [String: String] { ["AEGIS_DATA_DIR": dataDirectory.path, "AEGIS_RPC_ENDPOINT": ""] }

    /// Kills the daemon with SIGKILL: no shutdown of any kind.
    func crash() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends SIGTERM and returns the exit status.
    @discardableResult
    func terminate() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The daemon's resident memory (VmRSS), in MB.
    var residentMegabytes: Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return -1 }
        return kb / 1024
    }

    /// Everything logged so far.
    var log: String { logBuffer.text }

    /// Waits (up to 10 s) until the log contains `text`.
    func waitForLog(_ text: String) -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return log.contains(text)
    }

    deinit { terminate() }
}

final class LogBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) { lock.withLock { data.append(more) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

enum DaemonProcessError: Error { case didNotStart }
