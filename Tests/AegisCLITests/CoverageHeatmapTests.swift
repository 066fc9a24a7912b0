import AegisDomain
import AegisWire
import Foundation
import Testing

@testable import aegisctl

/// How `aegisctl report heatmap` turns `report.coverage` into a matrix.
@Suite struct CoverageHeatmapTests {
    static func technique(_ id: String, _ status: String, _ score: Double) -> MessagePackValue {
        ["id": .string(id), "name": .string("Name of \(id)"), "is_subtechnique": .bool(id.contains(".")),
            "status": .string(status), "score": .double(score)]
    }

    @Test func subtechniquesGoUnderTheirParentInTheSameTactic() {
        let report: MessagePackValue = [
            "domain": "enterprise-attack", "score": 12.5, "computed_at": .timestamp(Date(timeIntervalSince1970: 1_764_000_000)),
            "tactics": [
                ["id": "TA0002", "shortname": "execution", "name": "Execution", "score": 10.0, "techniques": [
                    Self.technique("T1059", "detected", 60), Self.technique("T1059.001", "missed", 30),
                    Self.technique("T1106", "untested", 0), Self.technique("T1059.003", "untested", 0),
                    Self.technique("T1547.001", "logged", 20),
                ]],
                ["id": "TA0003", "shortname": "persistence", "name": "Persistence", "score": 0.0, "techniques": []],
            ],
        ]
        let matrix = CoverageHeatmap.matrix(report, title: "Aegis coverage")
        #expect(matrix.title == "Aegis coverage")
        #expect(matrix.subtitle == "enterprise-attack · 2025-11-24")
        #expect(matrix.tactics.map(\.id) == ["TA0002", "TA0003"])
        let cells = matrix.tactics[0].techniques
        #expect(cells.map(\.id) == ["T1059", "T1106", "T1547.001"], "an orphan sub-technique stays a cell")
        #expect(cells[0].subtechniques.map(\.id) == ["T1059.001", "T1059.003"])
        #expect(cells[0].score == 60 && cells[0].status == "detected")
        #expect(cells[0].subtechniques[1].score == nil, "untested: not scored")
        #expect(cells[1].score == nil && cells[1].status == "untested")
        #expect(cells[2].score == 20 && cells[2].subtechniques.isEmpty)
        #expect(matrix.tactics[1].techniques.isEmpty)
        #expect(HeatmapSVG.render(matrix).contains("T1059.001"))
    }

    @Test func anEmptyOrOddReportStillDraws() {
        let matrix = CoverageHeatmap.matrix(["tactics": "not a list"], title: "t")
        #expect(matrix.tactics.isEmpty)
        #expect(HeatmapSVG.render(matrix).contains("No tactics"))
    }

    @Test func durationsReadAsPeopleSayThem() {
        #expect(Durations.text(42) == "42s")
        #expect(Durations.text(300) == "5m 0s")
        #expect(Durations.text(2 * 3_600 + 3 * 60 + 10) == "2h 3m")
        #expect(Durations.text(3 * 86_400 + 4 * 3_600 + 59) == "3d 4h")
        #expect(Durations.text(-5) == "0s")
        #expect(Durations.text(.nan) == "-")
    }
}
