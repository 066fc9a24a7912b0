import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl countermeasure`: D3FEND defensive techniques and the ATT&CK
/// techniques they address.
struct CountermeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "countermeasure", abstract: "Countermeasures: D3FEND defensive techniques.",
        subcommands: [CountermeasureList.self, CountermeasureGet.self])
}

struct CountermeasureList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List countermeasures.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Only those addressing this ATT&CK technique, e.g. T1059.001.") var technique: String?
    @Option(name: .long, help: "D3FEND tactic: Model, Harden, Detect, Isolate, Deceive, Evict or Restore.") var tactic:
        String?
    @Option(name: [.long, .customShort("q")], help: "Text in the id or name.") var query: String?
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("technique_id", technique)
        params.put("tactic", tactic)
        params.put("q", query)
        try reportingFailures {
            let items = try listAll(options.client(), "countermeasure.list", params, max: limit)
            if options.json { return Output.json(.array(items)) }
            if items.isEmpty { return print("no countermeasures") }
            Output.table(
                items,
                [
                    ("ID", "id", 10), ("TACTIC", "tactic", 8), ("NAME", "name", 50), ("PARENT", "parent", 10),
                    ("SOURCE", "source", 12), ("VERSION", "source_version", 12),
                ])
        }
    }
}

struct CountermeasureGet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Show a countermeasure and the techniques it addresses.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Countermeasure id, e.g. D3-PSA.") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("countermeasure.get", ["id": .string(id)])
            if options.json { return Output.json(result) }
            Output.fields(
                result,
                [
                    ("id", "id"), ("name", "name"), ("tactic", "tactic"), ("parent", "parent"), ("source", "source"),
                    ("version", "source_version"), ("iri", "iri"),
                ])
            if let definition = result["definition"]?.stringValue, !definition.isEmpty { print("\n" + definition) }
            let techniques = result["techniques"]?.arrayValue ?? []
            print("\naddresses \(techniques.count) technique\(techniques.count == 1 ? "" : "s")")
            if !techniques.isEmpty {
                Output.table(techniques, [("ID", "id", 10), ("NAME", "name", 50), ("ARTIFACTS", "artifacts", 200)])
            }
        }
    }
}

/// `technique get`'s countermeasures: a line each, grouped by tactic in the
/// order the result gives (D3FEND's matrix order).
enum CountermeasureLines {
    static func print(_ groups: MessagePackValue?) {
        guard let groups = groups?.mapValue, !groups.isEmpty else { return Swift.print("\ncountermeasures  none") }
        Swift.print("\ncountermeasures")
        let width = groups.entries.map { Output.text($0.key).count }.max() ?? 0
        let idWidth =
            groups.entries.flatMap { $0.value.arrayValue ?? [] }.map { Output.text($0["id"]).count }.max() ?? 0
        for (key, list) in groups.entries {
            for (i, item) in (list.arrayValue ?? []).enumerated() {
                let tactic = i == 0 ? Output.text(key) : ""
                Swift.print(
                    "  " + tactic.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                        + Output.text(item["id"]).padding(toLength: idWidth, withPad: " ", startingAt: 0) + "  "
                        + Output.text(item["name"]))
            }
        }
    }
}

/// `aegisctl report countermeasures`: which defences close the most gaps.
struct ReportCountermeasures: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "countermeasures",
        abstract:
            "Countermeasures ranked by the gap techniques (missed or logged; an actor's untested too) each addresses.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "A group or campaign, e.g. G0016: its missed, logged or untested techniques.") var actor:
        String?
    @Option(name: .long, help: "Only countermeasures of this D3FEND tactic, e.g. Detect.") var tactic: String?
    @Option(name: .long, help: "Domain (default enterprise-attack).") var domain: String?
    @Option(name: .long, help: "At most this many (default 100).") var limit: Int?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("actor_id", actor)
        params.put("tactic", tactic)
        params.put("domain", domain)
        params.put("limit", limit)
        try reportingFailures {
            let result = try options.client().call("report.countermeasures", params)
            if options.json { return Output.json(result) }
            let gaps = result["gap_techniques"]?.intValue ?? 0
            let addressed = result["addressed"]?.intValue ?? 0
            let whose = result["actor_id"]?.stringValue.map { " of \($0)" } ?? ""
            print(
                "\(Output.text(result["domain"])): \(gaps) gap technique\(gaps == 1 ? "" : "s")\(whose), "
                    + "\(addressed) addressed by a countermeasure, \(gaps - addressed) by none\n")
            let items = result["items"]?.arrayValue ?? []
            if items.isEmpty { return print("no countermeasure addresses a gap") }
            let rows: [MessagePackValue] = items.enumerated().map { i, item in
                var m = item["countermeasure"]?.mapValue ?? [:]
                m["rank"] = .int(Int64(i + 1))
                m["gaps"] = item["gaps"] ?? .nil
                m["techniques"] = item["techniques"] ?? .nil
                return .map(m)
            }
            Output.table(
                rows,
                [
                    ("RANK", "rank", 4), ("ID", "id", 10), ("TACTIC", "tactic", 8), ("GAPS", "gaps", 5),
                    ("NAME", "name", 40),
                    ("TECHNIQUES", "techniques", 120),
                ])
        }
    }
}
