import Foundation

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

/// Runs `aegisctl` with `arguments` and `environment` added to ours.
func aegisctl(_ arguments: [String], environment: [String: String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = Binaries.url("aegisctl")
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
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
    let log = Pipe()
    private(set) var rpc = ""
    private(set) var events = ""

    var dataDirectory: URL { directory.url.appendingPathComponent("data") }

    init(extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        directory = try TemporaryDirectory()
        process.executableURL = Binaries.url("aegisd")
        process.arguments =
            ["--data-dir", dataDirectory.path, "--rpc", "tcp://127.0.0.1:*", "--events", "tcp://127.0.0.1:*"]
            + extraArguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = log
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

    /// Sends SIGTERM and returns the exit status.
    @discardableResult
    func terminate() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { terminate() }
}

enum DaemonProcessError: Error { case didNotStart }
