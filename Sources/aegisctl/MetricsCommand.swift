import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl metrics`: operational metrics (`metrics.operational`).
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Detection rate, mean time to detect (MTTD) and to remediate (MTTR), by tactic, month or team.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Tests attacked (or created) at or after this time (ISO 8601).",
        transform: ISOTime.argument) var since: Date?
    @Option(name: .long, help: "Before this time (ISO 8601).", transform: ISOTime.argument) var until: Date?
    @Option(name: .long, help: "month (default), tactic or team.") var groupBy: MetricsGroupArgument?
    @Option(name: .long, help: "Domain of the tactics (default enterprise-attack).") var domain: String?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("since", since)
        params.put("until", until)
        params.put("group_by", groupBy)
        params.put("domain", domain)
        try reportingFailures {
            let result = try options.client().call("metrics.operational", params)
            if options.json { return Output.json(result) }
            var rows = result["rows"]?.arrayValue ?? []
            if let totals = result["totals"], !totals.isNil { rows.append(totals) }
            Output.table(
                rows.map(Self.row),
                [(Output.text(result["group_by"]).uppercased(), "key", 40), ("EXECUTED", "executed", 8),
                    ("VALIDATED", "validated", 9), ("DETECTION", "rate", 9), ("MTTD", "mttd", 8),
                    ("OVER", "mttd_tests", 4), ("MTTR", "mttr", 8), ("OVER", "mttr_tests", 4)])
        }
    }

    /// A row with the rate as a percentage and the means as durations.
    static func row(_ row: MessagePackValue) -> MessagePackValue {
        var m = row.mapValue ?? [:]
        m["rate"] = .string(row["detection_rate"]?.doubleValue.map { String(format: "%.1f%%", $0 * 100) } ?? "-")
        m["mttd"] = .string(row["mttd_seconds"]?.doubleValue.map(Durations.text) ?? "-")
        m["mttr"] = .string(row["mttr_seconds"]?.doubleValue.map(Durations.text) ?? "-")
        return .map(m)
    }
}

enum MetricsGroupArgument: String, ExpressibleByArgument, CaseIterable {
    case tactic, month, team
}

/// Durations as people read them: the two largest units.
enum Durations {
    /// `45s`, `5m 0s`, `2h 3m`, `3d 4h` (rounded to the second).
    static func text(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        let total = Int64(max(0, min(seconds, 1e15)).rounded())
        let days = total / 86_400, hours = total % 86_400 / 3_600, minutes = total % 3_600 / 60, rest = total % 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(rest)s" }
        return "\(rest)s"
    }
}
