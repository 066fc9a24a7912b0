import AegisClient
import AegisD3FEND
import AegisWire
import Foundation

/// `report.countermeasures` on its own store: the Enterprise catalog, the
/// same number of validated tests seeded `varied` (a fifth of the
/// techniques untested, the others mostly missed, logged, partial or
/// detected: gaps to rank), and D3FEND's whole set synced through
/// `countermeasure.sync` from the plugin's CSVs.
extension AnalyticsBench {
    struct Countermeasures: Encodable {
        var tests: Int
        var seedSeconds: Double
        var syncMS: Double
        var countermeasures: Int
        var links: Int
        /// The organisation's gap techniques, and APT29's.
        var gapTechniques: Int
        var actorGapTechniques: Int
        var timings: [String: Timing]
    }

    /// D3FEND's CSVs: the plugin's copy (`make bench` runs in the repository).
    static let d3fendData = "plugins/d3fend/data"

    static let countermeasureReads: [(label: String, method: String, params: MessagePackMap)] = [
        ("report.countermeasures", "report.countermeasures", [:]),
        ("report.countermeasures G0016", "report.countermeasures", ["actor_id": "G0016"]),
    ]

    static func countermeasures(binary: URL, work: URL, attackData: String, workers: Int, tests: Int) throws
        -> Countermeasures?
    {
        let folder = URL(fileURLWithPath: d3fendData)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("d3fend_techniques.csv").path) else {
            print("report.countermeasures: skipped (no \(d3fendData) here)")
            return nil
        }
        let params = D3FENDSync.params(
            version: "1.2.0",
            techniques: try D3FENDTechnique.readCSV(
                Data(contentsOf: folder.appendingPathComponent("d3fend_techniques.csv"))),
            mappings: try D3FENDMapping.readCSV(Data(contentsOf: folder.appendingPathComponent("attack_to_d3fend.csv")))
        ).set
        guard case .map(let syncParams) = try MessagePackEncoder().encodeValue(params) else {
            throw BenchError("countermeasure.sync params did not encode as a map")
        }
        let dataDir = work.appendingPathComponent("countermeasures")
        do {
            let first = try ChildDaemon(
                binary: binary, dataDirectory: dataDir, workers: workers, attackData: attackData)
            _ = try first.adminKey()
            first.stop()
        }
        let seeded = try Seed.tests(tests, storePath: dataDir.appendingPathComponent("aegis.sqlite").path, varied: true)
        print(String(format: "seeded %d validated tests (varied) in %.1f s", tests, seeded))

        let daemon = try ChildDaemon(binary: binary, dataDirectory: dataDir, workers: workers)
        let client = try AegisClient(endpoint: daemon.rpc, apiKey: try daemon.adminKey())
        client.timeout = .seconds(120)
        let start = DispatchTime.now().uptimeNanoseconds
        let synced = try client.call("countermeasure.sync", syncParams)
        let syncMS = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        let org = try client.call("report.countermeasures")
        let actor = try client.call("report.countermeasures", ["actor_id": "G0016"])
        daemon.stop()
        let countermeasures = Int(synced["countermeasures"]?.intValue ?? 0)
        let links = Int(synced["links"]?.intValue ?? 0)
        let gaps = Int(org["gap_techniques"]?.intValue ?? 0)
        let actorGaps = Int(actor["gap_techniques"]?.intValue ?? 0)
        print(
            String(
                format:
                    "countermeasure.sync of D3FEND (%d countermeasures, %d links): %.0f ms; gap techniques: %d, G0016's: %d",
                countermeasures, links, syncMS, gaps, actorGaps))
        var timings: [String: Timing] = [:]
        for read in countermeasureReads {
            timings[read.label] = try measure(read, binary: binary, dataDirectory: dataDir, workers: workers)
        }
        return Countermeasures(
            tests: tests, seedSeconds: seeded, syncMS: syncMS, countermeasures: countermeasures, links: links,
            gapTechniques: gaps, actorGapTechniques: actorGaps, timings: timings)
    }
}
