import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl layer`: ATT&CK Navigator layers out of and into Aegis. Files
/// are read and written here; the daemon sees their content only.
struct LayerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layer", abstract: "ATT&CK Navigator layers: export, read and compare with our coverage.",
        subcommands: [LayerExport.self, LayerImport.self, LayerCompare.self])
}

enum LayerKindArgument: String, ExpressibleByArgument, CaseIterable {
    case coverage, actor, detection
    case snapshotDiff = "snapshot_diff"
    case rules
}

/// A layer file's content, and the domain to read it in: the one given,
/// else the one the file names (so an ICS layer needs no `--domain`).
struct LayerFile {
    var content: Data
    var domain: String?

    init(_ path: String, domain: String?) throws {
        content = try LocalFiles.read(path)
        self.domain = domain ?? Self.declaredDomain(content)
    }

    var params: MessagePackMap {
        var params: MessagePackMap = ["content": .binary(content)]
        params.put("domain", domain)
        return params
    }

    /// The top-level `domain` string of a JSON object; nil for anything else
    /// (the daemon then says what is wrong with the file).
    static func declaredDomain(_ content: Data) -> String? {
        let object = try? JSONSerialization.jsonObject(with: content, options: [.fragmentsAllowed])
        return (object as? [String: Any])?["domain"] as? String
    }
}

struct LayerExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a Navigator layer: coverage, an actor, detection, a snapshot diff or detection rules.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "coverage, actor, detection, snapshot_diff or rules.") var kind: LayerKindArgument
    @Option(name: .long, help: "Domain (default enterprise-attack).") var domain: String?
    @Option(name: .long, help: "Only this tactic's techniques (coverage, detection, rules).") var tactic: String?
    @Option(name: .long, help: "The group or campaign (actor layers).") var actor: String?
    @Option(name: .long, help: "The earlier snapshot (snapshot_diff layers).") var from: String?
    @Option(name: .long, help: "The later snapshot (snapshot_diff; default: now).") var to: String?
    @Option(name: .long, help: "A platform shown in the layer's filter (repeat for more).") var platform: [String] = []
    @Option(name: .long, help: "The layer's name.") var name: String?
    @Option(name: .long, help: "The file to write (replaced if it exists); - or none prints the layer.")
    var out: String?

    func run() throws {
        var filters: MessagePackMap = [:]
        filters.put("domain", domain)
        filters.put("tactic", tactic)
        filters.put("actor", actor)
        filters.put("from", from)
        filters.put("to", to)
        filters.put("platforms", nonEmpty(platform))
        var params: MessagePackMap = ["kind": .string(kind.rawValue)]
        if !filters.isEmpty { params.append(key: "filters", value: .map(filters)) }
        params.put("name", name)
        try reportingAllFailures {
            let result = try options.client().call("layer.export", params)
            let content = result["content"]?.stringValue ?? ""
            if let out, !LocalFiles.isStandardOutput(out) {
                try LocalFiles.write(Data((content + "\n").utf8), to: out)
                if options.json { return Output.json(result) }
                print("wrote \(Output.text(result["kind"])) layer \"\(Output.text(result["name"]))\" "
                    + "(\(Output.text(result["domain"])), \(Output.text(result["techniques"])) techniques) to \(out)")
            } else if options.json {
                Output.json(result)
            } else {
                print(content)
            }
        }
    }
}

struct LayerImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Read a Navigator layer file and report what it holds.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The layer file (JSON, format 3.x or 4.x).") var file: String
    @Option(name: .long, help: "The layer's domain (default: the one the file names).") var domain: String?

    func run() throws {
        try reportingAllFailures {
            let layer = try LayerFile(file, domain: domain)
            let result = try options.client().call("layer.import", layer.params)
            if options.json { return Output.json(result) }
            let techniques = result["techniques"]?.arrayValue ?? []
            let distinct = Set(techniques.map { Output.text($0["technique_id"]) })
            Output.fields(
                result,
                [("name", "name"), ("domain", "domain"), ("format", "format_version"),
                    ("attack version", "attack_version")])
            print("techniques: \(distinct.count) (\(techniques.count) entries)")
            LayerDisplay.problems(result)
        }
    }
}

struct LayerCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "What a Navigator layer covers that our coverage does not.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The layer file (JSON, format 3.x or 4.x).") var file: String
    @Option(name: .long, help: "The layer's domain (default: the one the file names).") var domain: String?

    func run() throws {
        try reportingAllFailures {
            var params = try LayerFile(file, domain: domain).params
            params.put("against", "coverage")
            let result = try options.client().call("layer.compare", params)
            if options.json { return Output.json(result) }
            let gaps = result["gaps"]?.arrayValue ?? []
            let name = Output.text(result["name"])
            print("\(name.isEmpty ? "unnamed layer" : name) (\(Output.text(result["domain"])), format "
                + "\(Output.text(result["format_version"]))): \(Output.text(result["in_layer"])) techniques in the layer, "
                + "\(Output.text(result["covered_by_us"])) covered by us, \(gaps.count) gaps")
            LayerDisplay.problems(result)
            guard !gaps.isEmpty else { return }
            print("")
            Output.table(
                gaps,
                [("ID", "technique_id", 10), ("LAYER SCORE", "layer_score", 11), ("STATUS", "status", 12),
                    ("SCORE", "score", 6), ("TACTICS", "tactics", 60)])
        }
    }
}

enum LayerDisplay {
    /// Unknown technique ids and warnings, when there are any.
    static func problems(_ result: MessagePackValue) {
        let unknown = result["unknown_technique_ids"]?.arrayValue ?? []
        print("unknown technique ids: " + (unknown.isEmpty ? "none" : Output.text(.array(unknown))))
        let warnings = result["warnings"]?.arrayValue ?? []
        print("warnings: " + (warnings.isEmpty ? "none" : ""))
        for warning in warnings { print("  " + Output.text(warning)) }
    }
}
