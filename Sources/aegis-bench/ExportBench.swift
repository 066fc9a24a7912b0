import AegisClient
import AegisWire
import Foundation

/// `report.export` of every test as CSV, chunk by chunk, from a store of
/// many tests: rows per second, and how much the daemon's memory grows.
enum ExportBench {
    struct Result: Encodable {
        var tests: Int
        var seedSeconds: Double
        var rows: Int
        var chunks: Int
        var bytes: Int
        var seconds: Double
        var rowsPerSecond: Double
        /// Resident memory before the export, and its peak during it (VmHWM).
        var rssBeforeMB: Double
        var rssPeakMB: Double
        var rssGrowthMB: Double
    }

    static func run(binary: URL, work: URL, attackData: String, workers: Int, tests: Int) throws -> Result {
        let dataDir = work.appendingPathComponent("export")
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
        client.timeout = .seconds(120)
        _ = try client.call("system.ping")
        let before = daemon.residentMegabytes()
        var rows = 0, chunks = 0, bytes = 0
        var cursor: MessagePackValue = .nil
        let start = DispatchTime.now().uptimeNanoseconds
        repeat {
            var params: MessagePackMap = ["report": "tests", "format": "csv"]
            if cursor != .nil { params.append(key: "cursor", value: cursor) }
            let chunk = try client.call("report.export", params)
            rows += Int(chunk["rows"]?.intValue ?? 0)
            bytes += chunk["data"]?.stringValue?.utf8.count ?? 0
            chunks += 1
            cursor = chunk["next_cursor"] ?? .nil
        } while cursor != .nil
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let peak = daemon.peakResidentMegabytes()
        let result = Result(
            tests: tests, seedSeconds: seeded, rows: rows, chunks: chunks, bytes: bytes, seconds: seconds,
            rowsPerSecond: Double(rows) / seconds, rssBeforeMB: before, rssPeakMB: peak, rssGrowthMB: peak - before)
        print(String(format: "exported %d rows (%.0f MB of CSV) in %d chunks, %.1f s: %.0f rows/s; RSS %.1f MB before, peak %.1f MB (+%.1f MB)",
            rows, Double(bytes) / 1e6, chunks, seconds, result.rowsPerSecond, before, peak, result.rssGrowthMB))
        return result
    }
}
