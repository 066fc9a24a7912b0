import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl report`: coverage, test results and remediation, as tables,
/// CSV files or a heatmap.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports: coverage, test results, remediation, countermeasures; CSV export and heatmaps.",
        subcommands: [
            ReportCoverage.self, ReportResults.self, ReportRemediation.self, ReportCountermeasures.self, ReportExport.self,
            ReportHeatmap.self,
        ])
}

enum ResultsGroupArgument: String, ExpressibleByArgument, CaseIterable {
    case technique, tactic, month, state, platform
}

enum ExportedReportArgument: String, ExpressibleByArgument, CaseIterable {
    case tests, coverage, remediation, metrics, countermeasures
    case testResults = "test_results"
}

struct ReportCoverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Coverage per tactic: score, techniques tested, outcomes, techniques with detection rules.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Domain (default enterprise-attack).") var domain: String?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("domain", domain)
        try reportingFailures {
            let result = try options.client().call("report.coverage", params)
            if options.json { return Output.json(result) }
            print("\(Output.text(result["domain"])): \(Output.text(result["score"])) / 100"
                + " (weights v\(Output.text(result["weights_version"])), \(Output.text(result["computed_at"])))\n")
            Output.table(
                (result["tactics"]?.arrayValue ?? []).map(Self.tacticRow),
                [("ID", "id", 8), ("TACTIC", "name", 30), ("SCORE", "score", 6), ("TECHNIQUES", "count", 10),
                    ("TESTED", "tested", 6), ("TESTS", "tests", 6), ("PREVENTED", "prevented", 9),
                    ("DETECTED", "detected", 8), ("LOGGED", "logged", 6), ("MISSED", "missed", 6),
                    ("WITH RULES", "with_rules", 10)])
        }
    }

    /// A tactic with its techniques counted and their outcomes summed.
    static func tacticRow(_ tactic: MessagePackValue) -> MessagePackValue {
        let techniques = tactic["techniques"]?.arrayValue ?? []
        var m = tactic.mapValue ?? [:]
        m["techniques"] = nil
        m["count"] = .int(Int64(techniques.count))
        m["tested"] = .int(Int64(techniques.filter { $0["status"]?.stringValue != "untested" }.count))
        // Techniques with a detection rule that fires (a rule is not summed:
        // it may map to several of the tactic's techniques).
        m["with_rules"] = .int(Int64(techniques.filter { ($0["rules"]?.intValue ?? 0) > 0 }.count))
        for key in ["tests", "prevented", "detected", "logged", "missed"] {
            m[key] = .int(techniques.reduce(0) { $0 + ($1[key]?.intValue ?? 0) })
        }
        return .map(m)
    }
}

struct ReportResults: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "Test results grouped by technique, tactic, month, state or platform.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Tests attacked (or created) at or after this time (ISO 8601).",
        transform: ISOTime.argument) var since: Date?
    @Option(name: .long, help: "Before this time (ISO 8601).", transform: ISOTime.argument) var until: Date?
    @Option(name: .long, help: "technique (default), tactic, month, state or platform.")
    var groupBy: ResultsGroupArgument?
    @Option(name: .long, help: "Domain of the tactics (default enterprise-attack).") var domain: String?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("since", since)
        params.put("until", until)
        params.put("group_by", groupBy)
        params.put("domain", domain)
        try reportingFailures {
            let result = try options.client().call("report.test_results", params)
            if options.json { return Output.json(result) }
            var rows = result["rows"]?.arrayValue ?? []
            if let totals = result["totals"], !totals.isNil { rows.append(totals) }
            Output.table(
                rows,
                [(Output.text(result["group_by"]).uppercased(), "key", 40), ("TESTS", "tests", 6),
                    ("EXECUTED", "executed", 8), ("VALIDATED", "validated", 9), ("PREVENTED", "prevented", 9),
                    ("DETECTED", "detected", 8), ("LOGGED", "logged", 6), ("MISSED", "missed", 6)])
        }
    }
}

struct ReportRemediation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remediation", abstract: "Missed and logged-only results to fix, by due date.")
    @OptionGroup var options: GlobalOptions
    @Flag(name: .long, help: "Include those already done.") var all = false
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        var params: MessagePackMap = [:]
        if all { params.put("include_done", true) }
        try reportingFailures {
            let items = try listAll(options.client(), "report.remediation", params, max: limit)
            if options.json { return Output.json(.array(items)) }
            if items.isEmpty { return print("nothing to remediate") }
            Output.table(
                items,
                [("TEST", "test_id", 40), ("TECHNIQUE", "technique_id", 10), ("OUTCOME", "outcome", 8),
                    ("OWNER", "owner", 30), ("DUE", "due_at", 20), ("OVERDUE", "overdue", 7), ("DONE", "done_at", 20),
                    ("COUNTERMEASURES", "countermeasures", 40), ("NAME", "name", 60)])
        }
    }
}

/// Pulls `report.export` chunk after chunk, writing each as it comes: the
/// memory used does not grow with the report.
struct ReportExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a report as CSV: tests, coverage, test_results, remediation, metrics, countermeasures.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "tests, coverage, test_results, remediation, metrics or countermeasures.") var report: ExportedReportArgument
    @Option(name: .long, help: "The CSV file (replaced if it exists); - or none prints it.") var out: String?
    @Option(name: .long, help: "Domain (default enterprise-attack).") var domain: String?
    @Option(name: .long, help: "At or after this time (ISO 8601).", transform: ISOTime.argument) var since: Date?
    @Option(name: .long, help: "Before this time (ISO 8601).", transform: ISOTime.argument) var until: Date?
    @Option(name: .long, help: "Grouping of test_results or metrics.") var groupBy: String?
    @Flag(name: .long, help: "remediation: include what is done.") var all = false
    @Option(name: .long, help: "countermeasures: a group or campaign, e.g. G0016.") var actor: String?
    @Option(name: .long, help: "countermeasures: a D3FEND tactic, e.g. Detect.") var tactic: String?

    func run() throws {
        var params: MessagePackMap = ["report": .string(report.rawValue), "format": "csv"]
        params.put("domain", domain)
        params.put("since", since)
        params.put("until", until)
        params.put("group_by", groupBy)
        if all { params.put("include_done", true) }
        params.put("actor_id", actor)
        params.put("tactic", tactic)
        try reportingAllFailures {
            let client = try options.client()
            let path = LocalFiles.isStandardOutput(out) ? "-" : out ?? "-"
            let file = try OutputFile(path)
            var rows: Int64 = 0
            var cursor: String?
            var progressed = false
            repeat {
                var p = params
                p.put("cursor", cursor)
                let chunk = try client.call("report.export", p)
                try file.write(chunk["data"]?.stringValue ?? "")
                rows += chunk["rows"]?.intValue ?? 0
                cursor = chunk["next_cursor"]?.stringValue
                if cursor != nil && path != "-" {
                    Output.progress("exporting \(report.rawValue): \(rows) rows")
                    progressed = true
                }
            } while cursor != nil
            try file.commit()
            if progressed { Output.endProgress() }
            let summary: MessagePackMap = [
                "report": .string(report.rawValue), "rows": .int(rows), "path": path == "-" ? .nil : .string(path),
            ]
            if path == "-" {
                FileHandle.standardError.write(Data("aegisctl: \(rows) rows\n".utf8))
            } else if options.json {
                Output.json(.map(summary))
            } else {
                print("wrote \(rows) rows to \(path)")
            }
        }
    }
}
