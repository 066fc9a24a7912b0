import Foundation

/// aegisd as a child process on free loopback ports.
final class ChildDaemon {
    let process = Process()
    let rpc: String
    let events: String
    let dataDirectory: URL

    init(
        binary: URL, dataDirectory: URL, workers: Int, rpcPort: Int? = nil, waitForRuntimeFile: Bool = true,
        attackData: String? = nil, environment extra: [String: String] = [:]
    ) throws {
        self.dataDirectory = dataDirectory
        rpc = "tcp://127.0.0.1:\(try rpcPort ?? freePort())"
        events = "tcp://127.0.0.1:\(try freePort())"
        process.executableURL = binary
        process.arguments = [
            "--data-dir", dataDirectory.path, "--rpc", rpc, "--events", events, "--workers", String(workers),
            "--log-level", "warning",
        ]
        var environment = extra
        if let attackData { environment["AEGIS_ATTACK_DATA"] = attackData }
        if !environment.isEmpty {
            // The database URL goes in the environment, never in argv.
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        guard waitForRuntimeFile else { return }
        let runtime = dataDirectory.appendingPathComponent("aegisd.json")
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: runtime.path) {
            guard process.isRunning, Date() < deadline else { throw BenchError("aegisd did not start") }
            usleep(2000)
        }
    }

    func adminKey() throws -> String {
        try String(contentsOf: dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// VmRSS of the daemon, in MB.
    func residentMegabytes() -> Double { status("VmRSS:") }

    /// VmHWM (the peak resident memory so far) of the daemon, in MB.
    func peakResidentMegabytes() -> Double { status("VmHWM:") }

    private func status(_ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return -1 }
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "") ?? -1
        return kb / 1024
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// This benchmark's own `echo` subcommand as a child process.
final class ChildEcho {
    let process = Process()
    let endpoint: String

    init(binary: URL) throws {
        endpoint = "tcp://127.0.0.1:\(try freePort())"
        process.executableURL = binary
        process.arguments = ["echo", "--endpoint", endpoint]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // The child prints one line once bound.
        _ = out.fileHandleForReading.availableData
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// A loopback TCP port free right now.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BenchError("socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw BenchError("bind failed") }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
