import AegisD3FEND
import AegisPluginKit
import AegisWire
import Foundation

/// `aegis-d3fend`: keeps aegisd's countermeasures equal to D3FEND's. At start
/// it reads D3FEND's data (the two CSVs, or answers of D3FEND's web API) and
/// syncs them (`countermeasure.sync`, a whole replace that changes nothing
/// when nothing changed), then again after every `catalog.imported` (a newer
/// ATT&CK may revoke techniques; aegisd follows them to their successor).
///
/// Settings (`[plugin.settings]`):
/// - `data`: a folder holding `d3fend_techniques.csv` and
///   `attack_to_d3fend.csv`, or D3FEND web-API answers (`*.json`);
///   default `plugins/d3fend/data` (the copies this repository carries).
/// - `version`: the D3FEND release the data is (default `1.2.0`).
/// Scope it needs: `countermeasure.sync`.
struct Settings: Decodable {
    var data: String?
    var version: String?
}

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
func complain(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

/// D3FEND's data in `folder` as `countermeasure.sync` params.
func readSet(folder: URL, version: String) throws -> D3FENDSync.Params {
    let csv = folder.appendingPathComponent("d3fend_techniques.csv")
    if FileManager.default.fileExists(atPath: csv.path) {
        let techniques = try D3FENDTechnique.readCSV(try Data(contentsOf: csv))
        let mappings = try D3FENDMapping.readCSV(try Data(contentsOf: folder.appendingPathComponent("attack_to_d3fend.csv")))
        return D3FENDSync.params(version: version, techniques: techniques, mappings: mappings)
    }
    let answers = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    var techniques: [D3FENDTechnique] = [], mappings: [D3FENDMapping] = []
    for file in answers {
        let answer = try D3FENDAPIAnswer.read(try Data(contentsOf: file), file: file.lastPathComponent)
        techniques += answer.techniques
        mappings += answer.mappings
    }
    return D3FENDSync.params(version: version, techniques: techniques, mappings: mappings)
}

func main() throws {
    let environment: PluginEnvironment
    let settings: Settings
    do {
        environment = try PluginEnvironment()
        settings = try environment.settings(as: Settings.self)
    } catch {
        complain("aegis-d3fend: \(error)")
        exit(78)
    }
    let folder = URL(fileURLWithPath: settings.data ?? "plugins/d3fend/data")
    let version = settings.version ?? "1.2.0"
    let plugin = try AegisPlugin(version: "1.0.0", capabilities: ["countermeasure.sync"], environment: environment)
    let client = try plugin.client(timeout: .seconds(120))

    /// Reads the data and syncs it; a failure is logged and counted, and
    /// the plugin carries on.
    func sync(reason: String) {
        do {
            let params = try readSet(folder: folder, version: version)
            guard case .map(let map) = try MessagePackEncoder().encodeValue(params.set) else { return }
            let result = try client.call("countermeasure.sync", map)
            plugin.count("syncs")
            say(
                "synced D3FEND \(version) (\(reason)): \(params.set.techniques.count) countermeasures, "
                    + "\(params.set.links.count) links, changed \(result["changed"]?.boolValue ?? false), "
                    + "\(result["unknown_links"]?.intValue ?? 0) links to techniques the catalog lacks, "
                    + "\(params.droppedMappings) mappings dropped")
        } catch {
            plugin.count("errors")
            complain("sync failed (\(reason)): \(error)")
        }
    }

    do {
        // Only imports after this start: the first sync reads the catalog as it is.
        let now = try client.call("events.status")["last_seq"]?.intValue ?? 0
        sync(reason: "start")
        let events = try plugin.events(topics: ["catalog.imported"], afterSeq: now)
        while !plugin.isStopping {
            guard let event = try events.next(timeout: .seconds(5)) else { continue }
            sync(reason: "catalog.imported \(event.subjectID)")
        }
    } catch {
        plugin.count("errors")
        complain("events: \(error)")
        while !plugin.wait(.seconds(60)) {}
    }
    say("stopping")
}

do { try main() } catch {
    complain("aegis-d3fend: \(error)")
    exit(1)
}
exit(0)
