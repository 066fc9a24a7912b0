import AegisClient
import AegisWire
import Foundation

/// Coverage analytics on a store with the full enterprise catalog and many
/// validated tests: `score.org` from a cold start, recomputed after a
/// commit, and warm (cached).
enum AnalyticsBench {
    struct Result: Encodable {
        var tests: Int
        var seedSeconds: Double
        /// The first `score.org` after the daemon started.
        var orgColdMS: Double
        /// `score.org` computed again after a commit emptied the cache (median).
        var orgRecomputedMS: Double
        /// `score.org` answered from the cache (median).
        var orgWarmMS: Double
        var techniqueMS: Double
    }

    static func run(binary: URL, work: URL, attackData: String, workers: Int, tests: Int) throws -> Result {
        let dataDir = work.appendingPathComponent("analytics")
        do {
            let first = try ChildDaemon(binary: binary, dataDirectory: dataDir, workers: workers, attackData: attackData)
            _ = try first.adminKey()
            first.stop()
        }
        let seeded = try Seed.tests(tests, storePath: dataDir.appendingPathComponent("aegis.sqlite").path)
        print(String(format: "seeded %d validated tests in %.1f s", tests, seeded))
        let daemon = try ChildDaemon(binary: binary, dataDirectory: dataDir, workers: workers)
        defer { daemon.stop() }
        let client = try AegisClient(endpoint: daemon.rpc, apiKey: try daemon.adminKey())
        func timed(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

        let cold = try timed { _ = try client.call("score.org") }
        var recomputed: [Double] = []
        for level in 0..<9 {
            // A commit (visibility set and cleared) empties the cache.
            _ = try client.call("visibility.set", ["technique_id": "T1059", "level": .int(Int64(level % 5))])
            recomputed.append(try timed { _ = try client.call("score.org") })
        }
        let warm = try (0..<200).map { _ in try timed { _ = try client.call("score.org") } }
        let technique = try (0..<50).map { i in
            try timed { _ = try client.call("score.technique", ["id": i % 2 == 0 ? "T1059" : "T1059.001"]) }
        }
        let result = Result(
            tests: tests, seedSeconds: seeded, orgColdMS: cold, orgRecomputedMS: median(recomputed),
            orgWarmMS: median(warm), techniqueMS: median(technique))
        print(String(format: "score.org: cold %.1f ms, recomputed after a commit %.1f ms (median), warm %.2f ms (median); score.technique %.2f ms",
            result.orgColdMS, result.orgRecomputedMS, result.orgWarmMS, result.techniqueMS))
        return result
    }
}
