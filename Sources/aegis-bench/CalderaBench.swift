import AegisClient
import AegisWire
import CalderaTestSupport
import Foundation

/// The Caldera plugin's intake, end to end: aegisd (release) with
/// `aegis-caldera` declared as plugins/caldera/README.md does, against the
/// Caldera stand-in serving 1,000 links built from the recorded `link-0`
/// (synthetic ids; the recorded shape, command and output, so each link
/// also gives an evidence file). Every link becomes a test taken to
/// `blue_pending`: `test.list {source_ref}`, the link's output over HTTP,
/// `test.create`, `mark_ready`, `start`, `evidence.list`, `evidence.upload`
/// and `submit_red`. Links per second run from the first `test.created` to
/// the last move to `blue_pending`, as aegisd's events time them; memory
/// is the plugin process's (VmRSS sampled while it works, and VmHWM).
enum CalderaBench {
    struct Result: Encodable {
        var links: Int
        var seconds: Double
        var linksPerSecond: Double
        /// The largest VmRSS seen while it imported, and its VmHWM at the end, in MB.
        var pluginRSSMB: Double
        var pluginPeakRSSMB: Double
        /// HTTP requests the stand-in answered per link (its output, and the lists).
        var calderaRequestsPerLink: Double
    }

    static let scope = [
        "template.import", "technique.get", "test.list", "test.create", "test.get", "test.mark_ready", "test.start",
        "test.submit_red", "evidence.list", "evidence.upload",
    ]

    static func run(binDir: URL, work: URL, attackData: String, workers: Int, links: Int = 1000) throws -> Result {
        let standIn = try CalderaStandIn()
        try standIn.serveSyntheticLinks(count: links)
        let directory = work.appendingPathComponent("caldera")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("aegisd.toml")
        try """
        [[plugin]]
        name = "caldera"
        command = "\(binDir.appendingPathComponent("aegis-caldera").path)"
        scope = [\(scope.map { "\"\($0)\"" }.joined(separator: ", "))]

        [plugin.settings]
        url = "\(standIn.url.absoluteString)"
        key = "\(CalderaStandIn.key)"
        poll_seconds = 1
        import = "group:aegis-rec"
        abilities_every = 100000
        """.write(to: config, atomically: true, encoding: .utf8)

        let daemon = try ChildDaemon(
            binary: binDir.appendingPathComponent("aegisd"), dataDirectory: directory.appendingPathComponent("data"),
            workers: workers, attackData: attackData, environment: ["AEGIS_CONFIG": config.path])
        defer { daemon.stop() }
        let admin = try AegisClient(endpoint: daemon.rpc, apiKey: try daemon.adminKey())
        admin.timeout = .seconds(60)

        // Until every link is in blue_pending (the heartbeat counts them).
        var pid: Int32 = 0
        var rss = 0.0
        let deadline = Date().addingTimeInterval(600)
        while true {
            let plugin = try admin.call("plugin.list")["items"]?.arrayValue?.first
            if let p = plugin?["pid"]?.intValue { pid = Int32(p) }
            if pid > 0 { rss = max(rss, memory(pid, "VmRSS:")) }
            if (plugin?["status"]?["imported"]?.intValue ?? 0) >= Int64(links) { break }
            if (plugin?["status"]?["errors"]?.intValue ?? 0) > 0 {
                throw BenchError("the plugin met errors: \(plugin ?? .nil)")
            }
            guard Date() < deadline else { throw BenchError("the plugin did not import \(links) links in 600 s") }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let peak = memory(pid, "VmHWM:")

        var created: [Date] = []
        var submitted: [Date] = []
        var after: Int64 = 0
        while true {
            let items =
                try admin.call("events.replay", ["after_seq": .int(after), "limit": 1000])["items"]?.arrayValue ?? []
            for event in items {
                guard let at = event["occurred_at"]?.dateValue else { continue }
                if event["type"] == "test.created" { created.append(at) }
                if event["type"] == "test.state_changed", event["payload"]?["to"] == "blue_pending" {
                    submitted.append(at)
                }
            }
            guard items.count == 1000, let last = items.last?["seq"]?.intValue else { break }
            after = last
        }
        guard created.count == links, submitted.count == links, let first = created.min(), let end = submitted.max()
        else {
            throw BenchError(
                "expected \(links) tests created and submitted, saw \(created.count) and \(submitted.count)")
        }
        let seconds = end.timeIntervalSince(first)
        let requests = standIn.requests.count
        return Result(
            links: links, seconds: seconds, linksPerSecond: Double(links) / seconds, pluginRSSMB: rss,
            pluginPeakRSSMB: peak, calderaRequestsPerLink: Double(requests) / Double(links))
    }

    static func describe(_ r: Result) -> String {
        String(
            format:
                "%d links in %.2f s: %.0f links/s; plugin RSS %.1f MB (peak %.1f MB); %.2f Caldera requests per link",
            r.links, r.seconds, r.linksPerSecond, r.pluginRSSMB, r.pluginPeakRSSMB, r.calderaRequestsPerLink)
    }

    /// A field of /proc/PID/status, in MB.
    private static func memory(_ pid: Int32, _ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return -1 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? -1) / 1024
    }
}
