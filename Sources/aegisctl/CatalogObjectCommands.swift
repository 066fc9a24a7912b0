import AegisClient
import AegisWire
import ArgumentParser
import Foundation

struct TechniqueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "technique", abstract: "ATT&CK techniques.", subcommands: [TechniqueGet.self, TechniqueList.self])
}

struct TechniqueGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show one technique.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Technique id, e.g. T1059.001.") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("technique.get", ["id": .string(id)])
            if options.json { return Output.json(result) }
            var shown = result.mapValue ?? [:]
            shown["rules_text"] = .string(RuleCountsText.line(result["rules"]))
            Output.fields(
                .map(shown),
                [("id", "id"), ("name", "name"), ("tactics", "tactics"), ("platforms", "platforms"),
                    ("domains", "domains"), ("parent", "parent_id"), ("sub-techniques", "subtechnique_ids"),
                    ("mitigations", "mitigation_ids"), ("detections", "detection_strategy_ids"),
                    ("rules", "rules_text"), ("revoked", "revoked"),
                    ("revoked by", "revoked_by"), ("deprecated", "deprecated"), ("url", "url"), ("modified", "modified")])
            CountermeasureLines.print(result["countermeasures"])
            if let description = result.mapValue?["description"]?.stringValue, !description.isEmpty {
                print("\n" + description)
            }
        }
    }
}

struct TechniqueList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List techniques.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Tactic id (TA0002) or shortname (execution).") var tactic: String?
    @Option(name: .long, help: "Platform, e.g. Windows.") var platform: String?
    @Option(name: [.long, .customShort("q")], help: "Text in the id or name.") var query: String?
    @Flag(name: .long, help: "Leave out sub-techniques.") var noSubtechniques = false
    @Flag(name: .long, help: "Include revoked and deprecated techniques.") var includeRevoked = false
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func run() throws {
        var params: MessagePackMap = [:]
        if let tactic { params.append(key: "tactic", value: .string(tactic)) }
        if let platform { params.append(key: "platform", value: .string(platform)) }
        if let query { params.append(key: "q", value: .string(query)) }
        if noSubtechniques { params.append(key: "include_subtechniques", value: false) }
        if includeRevoked { params.append(key: "include_revoked", value: true) }
        try reportingFailures {
            let items = try listAll(options.client(), "technique.list", params, max: limit)
            if options.json { return Output.json(.array(items)) }
            Output.table(items, [("ID", "id", 10), ("NAME", "name", 60), ("TACTICS", "tactics", 50)])
        }
    }
}

struct TacticCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tactic", abstract: "ATT&CK tactics.", subcommands: [TacticList.self])
}

struct TacticList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tactics in matrix order.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Domain, e.g. enterprise-attack.") var domain: String?

    func run() throws {
        try reportingFailures {
            var params: MessagePackMap = [:]
            if let domain { params.append(key: "domain", value: .string(domain)) }
            let items = try listAll(options.client(), "tactic.list", params, max: nil)
            if options.json { return Output.json(.array(items)) }
            Output.table(
                items,
                [("DOMAIN", "domain", 20), ("ORDER", "order", 5), ("ID", "id", 8), ("SHORTNAME", "shortname", 30),
                    ("NAME", "name", 40)])
        }
    }
}

struct ActorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actor", abstract: "ATT&CK groups and campaigns.", subcommands: [ActorGet.self, ActorList.self])
}

struct ActorGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a group or campaign.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Group or campaign id, e.g. G0016 or C0001.") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("actor.get", ["id": .string(id)])
            if options.json { return Output.json(result) }
            Output.fields(
                result,
                [("id", "id"), ("name", "name"), ("kind", "kind"), ("aliases", "aliases"), ("domains", "domains"),
                    ("techniques", "technique_ids"), ("first seen", "first_seen"), ("last seen", "last_seen"),
                    ("revoked", "revoked"), ("revoked by", "revoked_by"), ("url", "url")])
        }
    }
}

struct ActorList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List groups and campaigns.")
    @OptionGroup var options: GlobalOptions
    @Option(name: [.long, .customShort("q")], help: "Text in the id, name or aliases.") var query: String?
    @Option(name: .long, help: "group or campaign.") var kind: String?
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func run() throws {
        var params: MessagePackMap = [:]
        if let query { params.append(key: "q", value: .string(query)) }
        if let kind { params.append(key: "kind", value: .string(kind)) }
        try reportingFailures {
            let items = try listAll(options.client(), "actor.list", params, max: limit)
            if options.json { return Output.json(.array(items)) }
            Output.table(items, [("ID", "id", 8), ("KIND", "kind", 8), ("NAME", "name", 40), ("ALIASES", "aliases", 60)])
        }
    }
}

struct MitigationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mitigation", abstract: "ATT&CK mitigations.", subcommands: [MitigationGet.self])
}

struct MitigationGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a mitigation.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Mitigation id, e.g. M1038.") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("mitigation.get", ["id": .string(id)])
            if options.json { return Output.json(result) }
            Output.fields(result, [("id", "id"), ("name", "name"), ("techniques", "technique_ids"), ("url", "url")])
        }
    }
}

/// Follows `next_cursor` until the end or `max` items.
func listAll(_ client: AegisClient, _ method: String, _ params: MessagePackMap, max: Int?) throws -> [MessagePackValue] {
    var items: [MessagePackValue] = []
    var cursor: String?
    repeat {
        var p = params
        p.append(key: "limit", value: .int(Int64(min(1000, max.map { $0 - items.count } ?? 1000))))
        if let cursor { p.append(key: "cursor", value: .string(cursor)) }
        let page = try client.call(method, p)
        items += page.mapValue?["items"]?.arrayValue ?? []
        cursor = page.mapValue?["next_cursor"]?.stringValue
    } while cursor != nil && (max.map { items.count < $0 } ?? true)
    return items
}
