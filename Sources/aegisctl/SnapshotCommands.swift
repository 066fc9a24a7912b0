import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl snapshot`: a domain's coverage kept at a moment, and what
/// changed since.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Coverage snapshots and what improved or regressed between them.",
        subcommands: [SnapshotCreate.self, SnapshotList.self, SnapshotShow.self, SnapshotDiff.self])
}

enum SnapshotDisplay {
    static let columns: [(title: String, key: String, max: Int)] = [
        ("ID", "id", 40), ("NAME", "name", 40), ("DOMAIN", "domain", 18), ("SCORE", "score", 6),
        ("TECHNIQUES", "techniques", 10), ("CREATED", "created_at", 20), ("BY", "created_by", 40),
    ]

    static let changeColumns: [(title: String, key: String, max: Int)] = [
        ("ID", "technique_id", 10), ("FROM", "from_score", 6), ("TO", "to_score", 6), ("DELTA", "delta", 6),
        ("STATUS", "status_change", 26), ("NAME", "name", 50),
    ]

    /// A change with `status_change` (`missed → detected`) added.
    static func change(_ item: MessagePackValue) -> MessagePackValue {
        var m = item.mapValue ?? [:]
        let from = Output.text(item["from_status"]), to = Output.text(item["to_status"])
        m["status_change"] = .string(from == to ? to : "\(from.isEmpty ? "-" : from) → \(to.isEmpty ? "-" : to)")
        return .map(m)
    }

    static func side(_ side: MessagePackValue?) -> String {
        let id = Output.text(side?["id"])
        return "\(Output.text(side?["name"]))\(id.isEmpty ? "" : " (\(id))") at \(Output.text(side?["created_at"]))"
            + ": \(Output.text(side?["score"]))"
    }
}

struct SnapshotCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Keep the domain's coverage now (leads).")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "A name (default: today's date).") var name: String?
    @Option(name: .long, help: "Domain (default enterprise-attack).") var domain: String?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("name", name)
        params.put("domain", domain)
        try reportingFailures {
            let result = try options.client().call("snapshot.create", params)
            if options.json { return Output.json(result) }
            print("created snapshot \(Output.text(result["id"])) (\(Output.text(result["domain"]))): "
                + "\(Output.text(result["score"])) / 100 over \(Output.text(result["techniques"])) techniques")
        }
    }
}

struct SnapshotList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List snapshots, newest first.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        try reportingFailures {
            let items = try listAll(options.client(), "snapshot.list", [:], max: limit)
            if options.json { return Output.json(.array(items)) }
            if items.isEmpty { return print("no snapshots") }
            Output.table(items, SnapshotDisplay.columns)
        }
    }
}

struct SnapshotShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a snapshot: its tactics and every technique's score.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Snapshot id (snp_...).") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("snapshot.get", ["id": .string(id)])
            if options.json { return Output.json(result) }
            let snapshot = result["snapshot"] ?? .nil
            Output.fields(
                snapshot,
                [("id", "id"), ("name", "name"), ("domain", "domain"), ("score", "score"),
                    ("techniques", "techniques"), ("statuses", "statuses"), ("weights", "weights_version"),
                    ("created", "created_at"), ("by", "created_by")])
            print("")
            Output.table(
                snapshot["tactics"]?.arrayValue ?? [],
                [("ID", "id", 8), ("TACTIC", "name", 30), ("SCORE", "score", 6), ("TECHNIQUES", "techniques", 10)])
            print("")
            Output.table(
                result["techniques"]?.arrayValue ?? [],
                [("ID", "technique_id", 10), ("SCORE", "score", 6), ("STATUS", "status", 12), ("NAME", "name", 60)])
        }
    }
}

struct SnapshotDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "What improved and regressed from one snapshot to another, or to now.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The earlier snapshot (snp_...).") var from: String
    @Argument(help: "The later snapshot (default: the coverage now).") var to: String?

    func run() throws {
        var params: MessagePackMap = ["from": .string(from)]
        params.put("to", to)
        try reportingFailures {
            let result = try options.client().call("snapshot.diff", params)
            if options.json { return Output.json(result) }
            let delta = result["score_delta"]?.doubleValue ?? 0
            print("\(Output.text(result["domain"])): \(Output.text(result["from"]?["score"])) → "
                + "\(Output.text(result["to"]?["score"])) (\(delta > 0 ? "+" : "")\(Output.text(result["score_delta"])))")
            print("from " + SnapshotDisplay.side(result["from"]))
            print("to   " + SnapshotDisplay.side(result["to"]))
            if result["weights_differ"]?.boolValue == true {
                print("note: the two sides were scored under different weights")
            }
            for (title, key) in [("improved", "improved"), ("regressed", "regressed")] {
                let changes = result[key]?.arrayValue ?? []
                print("\n\(title): \(changes.count)")
                if !changes.isEmpty { Output.table(changes.map(SnapshotDisplay.change), SnapshotDisplay.changeColumns) }
            }
            print("\nunchanged: \(Output.text(result["unchanged"]))\n")
            Output.table(
                result["tactics"]?.arrayValue ?? [],
                [("ID", "id", 8), ("TACTIC", "name", 30), ("FROM", "from_score", 6), ("TO", "to_score", 6),
                    ("DELTA", "delta", 6)])
        }
    }
}
