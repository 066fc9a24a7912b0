import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl score`: coverage scores (docs/SCORING.md) and their weights.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Coverage scores: the organisation, a tactic, an actor or a technique.",
        subcommands: [
            ScoreOrg.self, ScoreTactic.self, ScoreActor.self, ScoreTechnique.self, ScoreWeightsCommand.self,
            ScoreVisibility.self,
        ], defaultSubcommand: ScoreOrg.self)
}

enum ScoreDisplay {
    static let componentColumns: [(title: String, key: String, max: Int)] = [
        ("COMPONENT", "name", 12), ("WEIGHT", "weight", 6), ("SHARE", "value", 6), ("POINTS", "points", 6),
        ("WHY", "explanation", 80),
    ]
    static let entryColumns: [(title: String, key: String, max: Int)] = [
        ("ID", "id", 10), ("SCORE", "score", 6), ("STATUS", "status", 12), ("NAME", "name", 60),
    ]

    /// Calls a group score of one tactic or actor and shows it.
    static func show(_ method: String, id: String, domain: String?, _ options: GlobalOptions) throws {
        var params: MessagePackMap = ["id": .string(id)]
        params.put("domain", domain)
        try reportingFailures {
            let result = try options.client().call(method, params)
            if options.json { return Output.json(result) }
            group(result, title: "\(Output.text(result["id"])) \(Output.text(result["name"]))")
        }
    }

    /// A group score: the headline, the components, then `lines` and the weakest.
    static func group(_ result: MessagePackValue, title: String) {
        print("\(title): \(Output.text(result["score"])) / 100 over \(Output.text(result["techniques"])) techniques"
            + " (weights v\(Output.text(result["weights_version"])))")
        let statuses = (result["statuses"]?.mapValue?.entries ?? [])
            .compactMap { k, v in (v.intValue ?? 0) > 0 ? "\(Output.text(k)) \(Output.text(v))" : nil }
        print("statuses: " + statuses.joined(separator: ", "))
        print("")
        Output.table(result["components"]?.arrayValue ?? [], componentColumns)
        if let tactics = result["tactics"]?.arrayValue {
            print("")
            Output.table(
                tactics,
                [("ID", "id", 8), ("TACTIC", "name", 30), ("SCORE", "score", 6), ("TECHNIQUES", "techniques", 10)])
        }
        if let techniques = result["technique_scores"]?.arrayValue {
            print("")
            Output.table(techniques, entryColumns)
        }
        print("\nweakest:")
        Output.table(result["weakest"]?.arrayValue ?? [], entryColumns)
    }
}

struct ScoreOrg: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "org", abstract: "The organisation's score, by tactic.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Domain (default enterprise-attack).") var domain: String?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("domain", domain)
        try reportingFailures {
            let result = try options.client().call("score.org", params)
            if options.json { return Output.json(result) }
            ScoreDisplay.group(result, title: "organisation (\(Output.text(result["domain"])))")
        }
    }
}

struct ScoreTactic: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tactic", abstract: "A tactic's score.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Tactic id, e.g. TA0002.") var id: String
    @Option(name: .long, help: "Domain (default: the tactic's).") var domain: String?

    func run() throws { try ScoreDisplay.show("score.tactic", id: id, domain: domain, options) }
}

struct ScoreActor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actor", abstract: "How well a group's or campaign's techniques are covered.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Group or campaign id, e.g. G0016.") var id: String
    @Option(name: .long, help: "Domain (default enterprise-attack).") var domain: String?

    func run() throws { try ScoreDisplay.show("score.actor", id: id, domain: domain, options) }
}

struct ScoreTechnique: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "technique", abstract: "A technique's score and what makes it up.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Technique id, e.g. T1059.001.") var id: String
    @Option(name: .long, help: "Domain (default enterprise-attack).") var domain: String?

    func run() throws {
        var params: MessagePackMap = ["id": .string(id)]
        params.put("domain", domain)
        try reportingFailures {
            let result = try options.client().call("score.technique", params)
            if options.json { return Output.json(result) }
            print("\(Output.text(result["technique_id"])) \(Output.text(result["name"])): "
                + "\(Output.text(result["score"])) / 100, \(Output.text(result["status"]))"
                + " (weights v\(Output.text(result["weights_version"])))")
            print("")
            Output.table(result["components"]?.arrayValue ?? [], ScoreDisplay.componentColumns)
        }
    }
}

struct ScoreWeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights", abstract: "Show the score weights, or set them (leads).")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Weight of prevention.") var prevention: Int?
    @Option(name: .long, help: "Weight of detection.") var detection: Int?
    @Option(name: .long, help: "Weight of detection rules.") var rules: Int?
    @Option(name: .long, help: "Weight of visibility.") var visibility: Int?
    @Option(name: .long, help: "Weight of freshness.") var freshness: Int?
    @Option(name: .long, help: "The version in force (default: read it first).") var version: Int?

    func run() throws {
        let given = [prevention, detection, rules, visibility, freshness]
        guard given.allSatisfy({ $0 == nil }) || given.allSatisfy({ $0 != nil }) else {
            throw ValidationError("give all five weights (they must sum to 100), or none to show them")
        }
        try reportingFailures {
            let client = try options.client()
            var result = try client.call("score.weights.get")
            if let prevention, let detection, let rules, let visibility, let freshness {
                let current = version.map(Int64.init) ?? result["version"]?.intValue ?? 0
                result = try client.call(
                    "score.weights.set",
                    [
                        "prevention": .int(Int64(prevention)), "detection": .int(Int64(detection)),
                        "rules": .int(Int64(rules)), "visibility": .int(Int64(visibility)),
                        "freshness": .int(Int64(freshness)), "version": .int(current),
                    ])
            }
            if options.json { return Output.json(result) }
            Output.fields(
                result,
                [("version", "version"), ("prevention", "prevention"), ("detection", "detection"), ("rules", "rules"),
                    ("visibility", "visibility"), ("freshness", "freshness"), ("set at", "set_at"), ("set by", "set_by")])
        }
    }
}

struct ScoreVisibility: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visibility", abstract: "Set a technique's data-source visibility, 0-4 (blue lead).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Technique id, e.g. T1059.001.") var techniqueID: String
    @Argument(help: "0 none, 1 minimal, 2 medium, 3 good, 4 excellent; `clear` removes it.") var level: String
    @Option(name: .long, help: "Why (data sources, gaps).") var note: String?

    func run() throws {
        var params: MessagePackMap = ["technique_id": .string(techniqueID)]
        if level == "clear" {
            params.append(key: "level", value: .nil)
        } else {
            guard let value = Int(level) else { throw ValidationError("level must be 0-4 or clear") }
            params.append(key: "level", value: .int(Int64(value)))
        }
        params.put("note", note)
        try reportingFailures {
            let result = try options.client().call("visibility.set", params)
            if options.json { return Output.json(result) }
            print("\(Output.text(result["technique_id"])): \(Output.text(result["score"])) / 100")
        }
    }
}
