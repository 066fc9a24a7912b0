import AegisDomain
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One plugin as the supervisor keeps it (its thread only): the lifecycle,
/// the process and its credential, what the plugin said of itself, and
/// its output, split into lines for the log and the ring.
final class PluginRuntime {
    var lifecycle: PluginLifecycle
    var process: PluginProcess?
    var credential: String?
    var stdout = LineSplitter(), stderr = LineSplitter()
    /// The output pipes not yet at end-of-file, and when the last closed.
    var openStreams: Set<Int32> = []
    var outputClosedAt: ContinuousClock.Instant?
    var version: String?
    var capabilities: [String] = []
    var lastHeartbeat: Date?
    var report: [String: Int64] = [:]
    var startedAt: Date?
    /// Stopped by an admin: not started again by the daemon.
    var heldStopped = false
    /// Stopped because this instance is not the leader (asked once).
    var leadershipStop = false
    /// It ended and its restart policy says so: the lead does not start it again.
    var exitedByItself = false
    let logs = PluginLogRing()

    init(_ lifecycle: PluginLifecycle) { self.lifecycle = lifecycle }

    /// A fresh process: its output starts from nothing.
    func attach(_ process: PluginProcess) {
        self.process = process
        stdout = LineSplitter()
        stderr = LineSplitter()
        openStreams = [process.output, process.errors]
        outputClosedAt = nil
        startedAt = Date()
        version = nil
        lastHeartbeat = nil
        report = [:]
    }

    /// Reads what the process wrote (at most 256 KiB a stream, so one
    /// chatty plugin cannot hold the others up), keeps the whole lines in
    /// the ring and returns them with their stream; `final` adds an
    /// unfinished last line.
    func readOutput(final: Bool = false) -> [(stream: String, line: String)] {
        guard let process else { return [] }
        var all: [(String, String)] = []
        for (fd, stream) in [(process.output, "stdout"), (process.errors, "stderr")] where openStreams.contains(fd) {
            var buffer = [UInt8](repeating: 0, count: 16 << 10)
            var lines: [String] = []
            for _ in 0..<16 {
                let n = read(fd, &buffer, buffer.count)
                if n == 0 {
                    openStreams.remove(fd)
                    if openStreams.isEmpty { outputClosedAt = .now }
                }
                guard n > 0 else { break }
                let chunk = Data(buffer[0..<n])
                lines += stream == "stdout" ? stdout.feed(chunk) : stderr.feed(chunk)
            }
            if final, let rest = stream == "stdout" ? stdout.finish() : stderr.finish() { lines.append(rest) }
            for line in lines {
                logs.append(line, stream: stream)
                all.append((stream, line))
            }
        }
        return all
    }
}
