import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl compliance`: frameworks mapped to ATT&CK and where our
/// coverage leaves their controls exposed.
struct ComplianceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance", abstract: "Compliance frameworks mapped to ATT&CK, and their gaps.",
        subcommands: [ComplianceImport.self, ComplianceList.self, ComplianceGap.self])
}

enum ComplianceFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case csv
    case mappingsExplorer = "mappings_explorer"
}

struct ComplianceImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a framework from a file, replacing one with the same id (leads).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The file: Mappings Explorer JSON, or CSV (control_id,technique_id,...).") var file: String
    @Option(name: .long, help: "mappings_explorer or csv.") var format: ComplianceFormatArgument
    @Option(name: .long, help: "csv: the framework's id, e.g. nist_800_53-rev5.") var framework: String?
    @Option(name: .long, help: "csv: its name.") var name: String?
    @Option(name: .long, help: "csv: its version.") var version: String?

    func validate() throws {
        if format == .csv && framework == nil { throw ValidationError("a csv import needs --framework") }
    }

    func run() throws {
        try reportingAllFailures {
            var params: MessagePackMap = [
                "format": .string(format.rawValue), "content": .binary(try LocalFiles.read(file)),
            ]
            params.put("framework", framework)
            params.put("name", name)
            params.put("version", version)
            let result = try options.client().call("compliance.framework.import", params)
            if options.json { return Output.json(result) }
            let f = result["framework"] ?? .nil
            print("imported \(Output.text(f["id"])) \"\(Output.text(f["name"]))\" \(Output.text(f["version"])): "
                + "\(Output.text(f["controls"])) controls, \(Output.text(f["mappings"])) mappings"
                + (result["replaced"]?.boolValue == true ? " (replaced the earlier import)" : ""))
            for (label, key) in [("unknown technique ids", "unknown_technique_ids"),
                ("invalid technique ids", "invalid_technique_ids")] {
                let ids = (result[key]?.arrayValue ?? []).map { "\(Output.text($0["id"])) ×\(Output.text($0["count"]))" }
                if !ids.isEmpty { print("\(label) (dropped): " + ids.joined(separator: ", ")) }
            }
            if let skipped = result["skipped_objects"]?.intValue, skipped > 0 { print("skipped: \(skipped)") }
        }
    }
}

struct ComplianceList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the imported frameworks.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let items = try options.client().call("compliance.framework.list")["items"]?.arrayValue ?? []
            if options.json { return Output.json(.array(items)) }
            if items.isEmpty { return print("no frameworks") }
            Output.table(
                items,
                [("ID", "id", 40), ("NAME", "name", 40), ("VERSION", "version", 12), ("FORMAT", "format", 17),
                    ("DOMAIN", "domain", 18), ("CONTROLS", "controls", 8), ("MAPPINGS", "mappings", 8),
                    ("IMPORTED", "imported_at", 20)])
        }
    }
}

struct ComplianceGap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gap", abstract: "A framework's controls against our coverage, those with gaps first.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The framework's id.") var framework: String
    @Option(name: .long, help: "Write the report as CSV to this file (replaced if it exists); - prints it.") var out: String?
    @Option(name: .long, help: "Domain (default: the framework's).") var domain: String?

    func run() throws {
        var params: MessagePackMap = ["framework": .string(framework)]
        params.put("domain", domain)
        try reportingAllFailures {
            let client = try options.client()
            if let out {
                params.put("format", "csv")
                let result = try client.call("compliance.gap", params)
                let data = result["data"]?.stringValue ?? ""
                try LocalFiles.write(Data(data.utf8), to: out)
                if options.json { return Output.json(result) }
                if out == "-" { return }
                return print("wrote the \(framework) gap report to \(out)")
            }
            let result = try client.call("compliance.gap", params)
            if options.json { return Output.json(result) }
            let totals = result["totals"] ?? .nil
            print("\(Output.text(result["framework_id"])) \(Output.text(result["framework_name"])): "
                + "\(Output.text(totals["controls_with_gaps"])) of \(Output.text(totals["controls"])) controls with gaps; "
                + "\(Output.text(totals["untested_or_missed_techniques"])) of \(Output.text(totals["techniques"])) "
                + "techniques untested or missed; mean control score \(Self.score(totals["mean_control_score"]))\n")
            Output.table(
                (result["controls"]?.arrayValue ?? []).map(Self.row),
                [("CONTROL", "id", 20), ("GROUP", "group", 10), ("GAPS", "untested_or_missed", 4),
                    ("WORST", "worst_status", 12), ("SCORE", "score_text", 6), ("TECHNIQUES", "technique_ids", 50),
                    ("NAME", "name", 50)])
        }
    }

    /// A control gap flattened for the table.
    static func row(_ gap: MessagePackValue) -> MessagePackValue {
        var m = gap.mapValue ?? [:]
        m["id"] = gap["control"]?["id"] ?? .nil
        m["name"] = gap["control"]?["name"] ?? .nil
        m["group"] = gap["control"]?["group"] ?? .nil
        m["score_text"] = .string(score(gap["score"]))
        m["technique_ids"] = .array((gap["techniques"]?.arrayValue ?? []).map { $0["technique_id"] ?? .nil })
        return .map(m)
    }

    static func score(_ value: MessagePackValue?) -> String {
        value?.doubleValue.map { String(format: "%.1f", $0) } ?? ""
    }
}
