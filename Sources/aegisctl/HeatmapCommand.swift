import AegisClient
import AegisDomain
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl report heatmap`: `report.coverage` drawn as an SVG (or HTML)
/// ATT&CK matrix, one column per tactic.
struct ReportHeatmap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmap", abstract: "Draw coverage as an ATT&CK matrix heatmap (SVG, or HTML with --html).")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "The file to write (replaced if it exists), e.g. coverage.svg; - prints it.") var out: String
    @Flag(name: .long, help: "Write an HTML page (the SVG and a table of tactic means).") var html = false
    @Option(name: .long, help: "Domain (default enterprise-attack).") var domain: String?
    @Option(name: .long, help: "The heading.") var title = "Aegis coverage"

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("domain", domain)
        try reportingAllFailures {
            let report = try options.client().call("report.coverage", params)
            let matrix = CoverageHeatmap.matrix(report, title: title)
            try LocalFiles.write(Data((html ? HeatmapHTML.render(matrix) : HeatmapSVG.render(matrix)).utf8), to: out)
            if options.json { return Output.json(report) }
            guard out != "-" else { return }
            let cells = matrix.tactics.reduce(0) { $0 + $1.techniques.count }
            print("wrote the \(Output.text(report["domain"])) heatmap (\(matrix.tactics.count) tactics, "
                + "\(cells) techniques) to \(out)")
        }
    }
}

/// Turns a `report.coverage` result into a `HeatmapMatrix`.
enum CoverageHeatmap {
    /// Tactics in the order given; each sub-technique under its parent when
    /// the parent is in the same tactic, else a cell of its own; untested
    /// techniques unscored. The subtitle is the domain and the UTC date the
    /// report was computed.
    static func matrix(_ report: MessagePackValue, title: String) -> HeatmapMatrix {
        let date = report["computed_at"]?.dateValue ?? Date()
        let day = ISO8601DateFormatter.string(
            from: date, timeZone: TimeZone(identifier: "UTC") ?? .current, formatOptions: [.withFullDate])
        let tactics = (report["tactics"]?.arrayValue ?? []).map { tactic in
            HeatmapMatrix.Column(
                id: Output.text(tactic["id"]), name: Output.text(tactic["name"]),
                techniques: nest((tactic["techniques"]?.arrayValue ?? []).map(cell)))
        }
        return HeatmapMatrix(title: title, subtitle: "\(Output.text(report["domain"])) · \(day)", tactics: tactics)
    }

    static func cell(_ technique: MessagePackValue) -> HeatmapMatrix.Cell {
        let status = technique["status"]?.stringValue
        return HeatmapMatrix.Cell(
            id: Output.text(technique["id"]), name: Output.text(technique["name"]),
            score: status == "untested" ? nil : technique["score"]?.doubleValue, status: status)
    }

    /// Sub-techniques moved under their parents, order otherwise kept.
    static func nest(_ cells: [HeatmapMatrix.Cell]) -> [HeatmapMatrix.Cell] {
        let parents = Set(cells.map(\.id).filter { !$0.contains(".") })
        func parent(_ cell: HeatmapMatrix.Cell) -> String? {
            guard let dot = cell.id.firstIndex(of: ".") else { return nil }
            let id = String(cell.id[..<dot])
            return parents.contains(id) ? id : nil
        }
        var top: [HeatmapMatrix.Cell] = []
        var position: [String: Int] = [:]
        for cell in cells where parent(cell) == nil {
            if !cell.id.contains(".") && position[cell.id] == nil { position[cell.id] = top.count }
            top.append(cell)
        }
        for cell in cells {
            if let id = parent(cell), let index = position[id] { top[index].subtechniques.append(cell) }
        }
        return top
    }
}
