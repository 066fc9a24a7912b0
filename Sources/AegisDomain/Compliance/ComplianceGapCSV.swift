import Foundation

extension ComplianceGapReport {
    /// The header of `csvText`.
    public static let csvHeader = ["control_id", "control_name", "control_group", "technique_id", "status", "score"]

    /// The report as CSV (`CSVWriter`: RFC 4180, formula-safe cells, CRLF):
    /// the header, then one line per control and technique in report order.
    /// A control without techniques gets one line with `technique_id`,
    /// `status` and `score` empty, so that the file still names it. Scores
    /// have at most four decimals.
    public var csvText: String {
        var out = CSVWriter.line(Self.csvHeader)
        for gap in controls {
            let control = [gap.control.id, gap.control.name, gap.control.group ?? ""]
            if gap.techniques.isEmpty { out += CSVWriter.line(control + ["", "", ""]) }
            for t in gap.techniques {
                out += CSVWriter.line(control + [t.techniqueID, t.status.rawValue, Self.format(score: t.score)])
            }
        }
        return out
    }

    /// `score` with at most four decimals and no trailing zeros.
    static func format(score: Double) -> String {
        guard score.isFinite else { return "0" }
        var text = String(format: "%.4f", score)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
