import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl detection`: what the rule engine detected.
struct DetectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detection", abstract: "Detections: rule matches on telemetry.",
        discussion: "New ones as they come: aegisctl events tail --topic detection.",
        subcommands: [DetectionList.self, DetectionGet.self])
}

struct DetectionList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List detections, newest first.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "ATT&CK technique id, e.g. T1059.001.") var technique: String?
    @Option(name: .long, help: "Rule id.") var rule: String?
    @Option(name: .long, help: "Host name, as the event gave it.") var host: String?
    @Option(name: .long, help: "Events that happened at or after this ISO 8601 time.", transform: ISOTime.argument)
    var since: Date?
    @Option(name: .long, help: "Events that happened before this ISO 8601 time.", transform: ISOTime.argument)
    var until: Date?
    @Option(name: .long, help: "Confidence at least this (0 to 100).") var minConfidence: Int?
    @Option(name: .long, help: "Stop after this many (default 100; 0: all).") var limit: Int = 100

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("technique_id", technique)
        params.put("rule_id", rule)
        params.put("host", host)
        params.put("since", since)
        params.put("until", until)
        params.put("min_confidence", minConfidence)
        try reportingFailures {
            let items = try listAll(options.client(), "detection.list", params, max: limit == 0 ? nil : limit)
            if options.json { return Output.json(.array(items)) }
            if items.isEmpty { return print("no detections") }
            Output.table(
                items,
                [
                    ("ID", "id", 36), ("OCCURRED", "occurred_at", 20), ("HOST", "host", 24),
                    ("TECHNIQUES", "technique_ids", 30), ("CONF", "confidence", 4), ("LEVEL", "level", 13),
                    ("RULE", "rule_id", 40),
                ])
        }
    }
}

struct DetectionGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a detection and its evidence.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Detection id (det_...).") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("detection.get", ["id": .string(id)])
            if options.json { return Output.json(result) }
            Output.fields(
                result,
                [
                    ("id", "id"), ("rule", "rule_id"), ("revision", "rule_revision"), ("format", "rule_format"),
                    ("techniques", "technique_ids"), ("tactics", "tactic_ids"), ("confidence", "confidence"),
                    ("level", "level"), ("host", "host"), ("occurred", "occurred_at"), ("detected", "detected_at"),
                    ("event", "event_id"), ("source", "source"),
                ])
            let evidence = result["evidence"]?.mapValue ?? [:]
            guard !evidence.isEmpty else { return }
            print("\nevidence")
            let rows = evidence.entries.map { (Output.text($0.key), $0.value) }.sorted { $0.0 < $1.0 }
            let width = rows.map(\.0.count).max() ?? 0
            for (key, value) in rows {
                print("  " + key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + Output.text(value))
            }
        }
    }
}
