import AegisClient
import AegisWire
import Foundation

/// Coverage analytics on a store with the full enterprise catalog and many
/// validated tests. Each read is timed from a cold start (the first call
/// after the daemon started), recomputed after a commit emptied the cache
/// (median of 9), and warm (answered from the cache, median of 100).
enum AnalyticsBench {
    struct Timing: Encodable {
        var coldMS: Double
        var recomputedMS: Double
        var warmMS: Double
        /// The encoded result's size.
        var bytes: Int
    }

    struct Result: Encodable {
        var tests: Int
        var seedSeconds: Double
        var timings: [String: Timing]
        /// Nil when D3FEND's data was not found.
        var countermeasures: Countermeasures?
    }

    static let reads: [(label: String, method: String, params: MessagePackMap)] = [
        ("score.org", "score.org", [:]),
        ("score.technique", "score.technique", ["id": "T1059"]),
        ("layer.export coverage", "layer.export", ["kind": "coverage"]),
        ("report.coverage", "report.coverage", [:]),
    ]

    static func run(binary: URL, work: URL, attackData: String, workers: Int, tests: Int) throws -> Result {
        let dataDir = work.appendingPathComponent("analytics")
        do {
            let first = try ChildDaemon(binary: binary, dataDirectory: dataDir, workers: workers, attackData: attackData)
            _ = try first.adminKey()
            first.stop()
        }
        let seeded = try Seed.tests(tests, storePath: dataDir.appendingPathComponent("aegis.sqlite").path)
        print(String(format: "seeded %d validated tests in %.1f s", tests, seeded))
        var timings: [String: Timing] = [:]
        for read in reads {
            timings[read.label] = try measure(read, binary: binary, dataDirectory: dataDir, workers: workers)
        }
        let countermeasures = try Self.countermeasures(binary: binary, work: work, attackData: attackData, workers: workers, tests: tests)
        return Result(tests: tests, seedSeconds: seeded, timings: timings, countermeasures: countermeasures)
    }

    /// Times `read` on a fresh daemon over `dataDirectory`: its first call
    /// (cold), after each of 9 commits (a visibility change empties the
    /// cache), and 100 calls answered from the cache.
    static func measure(
        _ read: (label: String, method: String, params: MessagePackMap), binary: URL, dataDirectory: URL, workers: Int
    ) throws -> Timing {
        let daemon = try ChildDaemon(binary: binary, dataDirectory: dataDirectory, workers: workers)
        defer { daemon.stop() }
        let client = try AegisClient(endpoint: daemon.rpc, apiKey: try daemon.adminKey())
        client.timeout = .seconds(120)
        func timed(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        var bytes = 0
        let cold = try timed { bytes = MessagePack.encode(try client.call(read.method, read.params)).count }
        var recomputed: [Double] = []
        for level in 0..<9 {
            _ = try client.call("visibility.set", ["technique_id": "T1003", "level": .int(Int64(level % 5))])
            recomputed.append(try timed { _ = try client.call(read.method, read.params) })
        }
        let warm = try (0..<100).map { _ in try timed { _ = try client.call(read.method, read.params) } }
        let timing = Timing(coldMS: cold, recomputedMS: median(recomputed), warmMS: median(warm), bytes: bytes)
        print(String(format: "%@: cold %.1f ms, recomputed after a commit %.1f ms, warm %.2f ms (%d KiB)",
            read.label, timing.coldMS, timing.recomputedMS, timing.warmMS, bytes / 1024))
        return timing
    }
}
