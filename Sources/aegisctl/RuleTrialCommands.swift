import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// Which rule to try: a stored one by id, or a local rule file.
struct RuleCandidate: ParsableArguments {
    @Option(name: .long, help: "A local rule file to try instead of a stored rule.") var file: String?
    @Option(name: .long, help: "With --file: sigma, elastic or native (default: told apart by content).")
    var format: RuleFormatArgument?

    func validate(id: String?) throws {
        switch (id, file) {
        case (nil, nil): throw ValidationError("give a rule id or --file")
        case (.some, .some): throw ValidationError("give a rule id or --file, not both")
        default: break
        }
        if format != nil && file == nil { throw ValidationError("--format goes with --file") }
    }

    /// `{id}` or `{content, format?}`.
    func params(id: String?) throws -> MessagePackMap {
        if let id { return ["id": .string(id)] }
        guard let file else { return [:] }
        var params: MessagePackMap = ["content": .string(String(decoding: try LocalFiles.read(file), as: UTF8.self))]
        params.put("format", format)
        return params
    }
}

struct RuleTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Try a rule on events from a file; nothing is stored.",
        discussion: """
            `rule test ID EVENTS` tries a stored rule; `rule test --file RULE EVENTS` a local rule file (every \
            rule Aegis evaluates in it). EVENTS holds JSON lines, a JSON array or objects one after another; at \
            most 1,000. Prints, per rule and event, whether it matched, which identifiers did, and the evidence. \
            Needs a blue role.
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var candidate: RuleCandidate
    @Argument(help: "Rule id (without --file), then the events file (- for stdin).") var arguments: [String]

    func validate() throws {
        guard (1...2).contains(arguments.count) else { throw ValidationError("give [ID] EVENTS_FILE") }
        try candidate.validate(id: arguments.count == 2 ? arguments[0] : nil)
    }

    func run() throws {
        try reportingAllFailures {
            let events = try JSONEventFile(path: arguments[arguments.count - 1])
            guard events.spans.count <= 1000 else {
                throw LocalFailure("\(events.path): \(events.spans.count) events; rule test takes at most 1,000")
            }
            var params = try candidate.params(id: arguments.count == 2 ? arguments[0] : nil)
            params["events"] = .array(events.spans.indices.map(events.event))
            let result = try options.client().call("rule.test", params)
            if options.json { return Output.json(result) }
            for rule in result["rules"]?.arrayValue ?? [] {
                let outcomes = rule["results"]?.arrayValue ?? []
                let matched = outcomes.filter { $0["matched"]?.boolValue == true }.count
                print(
                    "\(Output.text(rule["id"])) \(Output.text(rule["name"])) (\(Output.text(rule["format"]))): "
                        + "\(matched) of \(outcomes.count) event\(outcomes.count == 1 ? "" : "s") matched")
                for outcome in outcomes {
                    let n = (outcome["index"]?.intValue ?? 0) + 1
                    guard outcome["matched"]?.boolValue == true else {
                        let why = outcome["routed"]?.boolValue == false ? "its log source does not apply" : "no match"
                        print("  event \(n): \(why)")
                        continue
                    }
                    print("  event \(n): matched, \(Output.text(outcome["summary"]))")
                    if let evidence = outcome["evidence"]?.mapValue, !evidence.isEmpty {
                        print("    evidence: " + Output.pairs(evidence))
                    }
                }
            }
        }
    }
}

struct RuleBacktest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest", abstract: "Try a rule on the telemetry stored for a time range.",
        discussion: """
            Reads the events that happened in [--since, --until) chunk by chunk (following the daemon's cursor) \
            and prints a line per match as it comes: when, host, rule, event id, summary. Nothing is stored. Needs a blue role.
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var candidate: RuleCandidate
    @Argument(help: "Rule id (without --file).") var id: String?
    @Option(name: .long, help: "From this ISO 8601 time.", transform: ISOTime.argument) var since: Date
    @Option(name: .long, help: "Until this ISO 8601 time (default: now).", transform: ISOTime.argument) var until: Date?

    func validate() throws { try candidate.validate(id: id) }

    func run() throws {
        try reportingAllFailures {
            let client = try options.client()
            client.timeout = .seconds(max(options.timeout, 60))
            var params = try candidate.params(id: id)
            params["since"] = .timestamp(since)
            params["until"] = .timestamp(until ?? Date())
            var matches: [MessagePackValue] = []
            var scanned: Int64 = 0
            var unreadable: Int64 = 0
            var count = 0
            while true {
                let chunk = try client.call("rule.backtest", params)
                let found = chunk["matches"]?.arrayValue ?? []
                scanned += chunk["scanned"]?.intValue ?? 0
                unreadable += chunk["unreadable"]?.intValue ?? 0
                if options.json {
                    matches += found
                } else if !found.isEmpty {
                    for m in found {
                        print(
                            [m["occurred_at"], m["host"], m["rule_id"], m["event_id"], m["summary"]].map {
                                let t = Output.text($0)
                                return t.isEmpty ? "-" : t
                            }.joined(separator: "  "))
                    }
                    fflush(nil)
                }
                count += found.count
                guard let next = chunk["next_cursor"]?.stringValue else { break }
                params["cursor"] = .string(next)
            }
            if options.json {
                return Output.json([
                    "matches": .array(matches), "scanned": .int(scanned), "unreadable": .int(unreadable),
                ])
            }
            print(
                "\(count) match\(count == 1 ? "" : "es") in \(scanned) event\(scanned == 1 ? "" : "s")"
                    + (unreadable > 0 ? " (\(unreadable) unreadable)" : ""))
        }
    }
}
