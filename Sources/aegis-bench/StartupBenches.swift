import AegisClient
import AegisWire
import Foundation

/// Catalog import over RPC (chunked upload, then commit).
enum CatalogImportBench {
    static func run(endpoint: String, key: String, folder: String) throws -> (serverMS: Double, totalMS: Double) {
        let client = try AegisClient(endpoint: endpoint, apiKey: key, timeout: .seconds(300))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        let started = DispatchTime.now().uptimeNanoseconds
        let upload = try client.call("catalog.import_begin").mapValue?["upload_id"] ?? .nil
        for name in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))
            var offset = 0
            while offset < data.count {
                let end = min(offset + 4 << 20, data.count)
                _ = try client.call(
                    "catalog.import_append",
                    ["upload_id": upload, "name": .string(name), "offset": .int(Int64(offset)), "data": .binary(data.subdata(in: offset..<end))])
                offset = end
            }
        }
        let summary = try client.call("catalog.import_commit", ["upload_id": upload])
        let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        let server = Double(summary.mapValue?["elapsed_ms"]?.intValue ?? -1)
        return (server, total)
    }
}

/// Start (existing store, catalog loaded) to the first answered ping.
enum ReadyBench {
    static func run(binary: URL, dataDirectory: URL, workers: Int, runs: Int) throws -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let port = try freePort()
            let client = try AegisClient(endpoint: "tcp://127.0.0.1:\(port)", apiKey: nil, timeout: .milliseconds(20))
            let started = DispatchTime.now().uptimeNanoseconds
            let daemon = try ChildDaemon(
                binary: binary, dataDirectory: dataDirectory, workers: workers, rpcPort: port, waitForRuntimeFile: false)
            defer { daemon.stop() }
            var answered = false
            while !answered {
                guard daemon.process.isRunning else { throw BenchError("aegisd exited") }
                answered = (try? client.call("system.ping")) != nil
            }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
            daemon.stop()
        }
        return times.sorted()[times.count / 2]
    }
}
