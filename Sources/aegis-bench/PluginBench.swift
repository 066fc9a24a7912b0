import AegisClient
import AegisWire
import Foundation

/// What supervising plugins costs (issue #11): `technique.get` throughput of
/// one aegisd with three plugins running and heartbeating against one
/// without plugins, alternated in the same run; and the time from
/// `plugin.restart` to the plugin's `plugin.hello` answered (its
/// `plugin.started` event).
enum PluginBench {
    struct Result: Encodable {
        var withoutPlugins: LoadResult
        var withPlugins: LoadResult
        var throughputRatio: Double
        var rounds: [Double]
        /// Milliseconds from `plugin.restart` to `plugin.started`.
        var restartToHelloP50MS: Double
        var restartToHelloMaxMS: Double
        var restarts: Int
    }

    static func run(binary: URL, work: URL, attackData: String, workers: Int, seconds: Double, rounds: Int) throws -> Result {
        let probe = binary.deletingLastPathComponent().appendingPathComponent("aegis-probe").path
        let config = work.appendingPathComponent("plugins.toml")
        try (1...3).map { n in
            """
            [[plugin]]
            name = "probe\(n)"
            command = "\(probe)"
            """
        }.joined(separator: "\n\n").write(to: config, atomically: true, encoding: .utf8)

        let plain = try ChildDaemon(
            binary: binary, dataDirectory: work.appendingPathComponent("plain"), workers: workers, attackData: attackData)
        defer { plain.stop() }
        let supervising = try ChildDaemon(
            binary: binary, dataDirectory: work.appendingPathComponent("supervising"), workers: workers,
            attackData: attackData, environment: ["AEGIS_CONFIG": config.path])
        defer { supervising.stop() }
        let admin = try AegisClient(endpoint: supervising.rpc, apiKey: try supervising.adminKey())
        try waitUntil("three plugins running") {
            (try admin.call("plugin.list")["items"]?.arrayValue ?? []).filter { $0["state"] == "running" }.count == 3
        }

        var pairs: [(plain: LoadResult, plugins: LoadResult)] = []
        for _ in 0..<max(1, rounds) {
            let a = try LoadBench.run(endpoint: plain.rpc, key: try plain.adminKey(), clients: 8, seconds: seconds)
            let b = try LoadBench.run(endpoint: supervising.rpc, key: try supervising.adminKey(), clients: 8, seconds: seconds)
            pairs.append((a, b))
        }
        let ratios = pairs.map { $0.plugins.requestsPerSecond / $0.plain.requestsPerSecond }
        print("rounds, throughput with plugins/without: " + ratios.map { String(format: "%.3f", $0) }.joined(separator: " "))
        pairs.sort { $0.plugins.requestsPerSecond / $0.plain.requestsPerSecond < $1.plugins.requestsPerSecond / $1.plain.requestsPerSecond }
        let median = pairs[pairs.count / 2]

        // Restart to hello, from the plugin.started event on the PUB socket.
        let subscriber = try EventSubscriber(endpoint: supervising.events, topics: ["plugin.started"])
        Thread.sleep(forTimeInterval: 0.3)  // the subscription reaches the publisher
        var times: [Double] = []
        for _ in 0..<20 {
            let started = ContinuousClock.now
            _ = try admin.call("plugin.restart", ["name": "probe1"])
            var seen = false
            while !seen, ContinuousClock.now - started < .seconds(30) {
                if let event = try subscriber.next(timeout: .seconds(1)), event.subjectID == "probe1" { seen = true }
            }
            guard seen else { throw BenchError("probe1 never said hello after a restart") }
            times.append((ContinuousClock.now - started).seconds * 1000)
        }
        times.sort()
        let result = Result(
            withoutPlugins: median.plain, withPlugins: median.plugins,
            throughputRatio: median.plugins.requestsPerSecond / median.plain.requestsPerSecond, rounds: ratios,
            restartToHelloP50MS: times[times.count / 2], restartToHelloMaxMS: times.last ?? 0, restarts: times.count)
        print(LoadBench.describe("no plugins  ", 8, median.plain))
        print(LoadBench.describe("3 plugins   ", 8, median.plugins))
        print(String(format: "plugin.restart to plugin.hello answered: p50 %.1f ms, max %.1f ms (%d restarts)",
            result.restartToHelloP50MS, result.restartToHelloMaxMS, result.restarts))
        return result
    }

    private static func waitUntil(_ what: String, _ condition: () throws -> Bool) throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw BenchError("timed out waiting for \(what)")
    }
}
