import AegisDomain
import Foundation
import Testing

@Suite struct ComplianceGapTests {
    static func framework(_ pairs: [(String, String)], controls: [String]) -> ComplianceFramework {
        ComplianceFramework(
            id: "f", name: "F", version: "1", format: .csv,
            controls: controls.map { ComplianceControl(id: $0, name: "Control \($0)", group: "G") },
            mappings: pairs.map { ControlMapping(controlID: $0.0, techniqueID: $0.1, mappingType: "mitigates") })
    }

    static let coverage: [String: TechniqueCoverage] = [
        "T1001": TechniqueCoverage(status: .prevented, score: 1.0),
        "T1002": TechniqueCoverage(status: .detected, score: 0.8),
        "T1003": TechniqueCoverage(status: .missed, score: 0.0),
        "T1004": TechniqueCoverage(status: .logged, score: 0.3),
        "T1005": TechniqueCoverage(status: .partial, score: 0.5),
        "T1006": TechniqueCoverage(status: .inProgress, score: .nan),
    ]

    @Test func ordersGapsFirstThenScoreThenID() {
        let f = Self.framework(
            [
                ("AC-10", "T1004"),  // logged 0.3
                ("AC-2", "T1004"),  // logged 0.3, same score: numeric id order puts AC-2 first
                ("B", "T1001"),  // prevented 1.0
                ("C", "T1003"), ("C", "T1002"),  // missed + detected: a gap, score 0.4
                ("D", "T1999"),  // not in coverage: untested, score 0
                ("E", "T1005"), ("E", "T1006"),  // partial 0.5 + in_progress (NaN → 0): 0.25
                ("G", "T1002"), ("G", "T1001"),  // 0.9
            ],
            controls: ["AC-10", "AC-2", "B", "C", "D", "E", "F", "G", "A0"])
        let report = ComplianceGapReport(framework: f, coverage: Self.coverage)
        #expect(report.controls.map(\.control.id) == ["D", "C", "E", "AC-2", "AC-10", "G", "B", "A0", "F"])

        let c = report.controls[1]
        #expect(c.techniques.map(\.techniqueID) == ["T1002", "T1003"])
        #expect(c.techniques.map(\.status) == [.detected, .missed])
        #expect(c.score == 0.4)
        #expect(c.worstStatus == .missed)
        #expect(c.untestedOrMissed == 1)
        #expect(c.techniques[0].mappingTypes == ["mitigates"])

        let d = report.controls[0]
        #expect(
            d.techniques == [
                TechniqueGap(techniqueID: "T1999", status: .untested, score: 0, mappingTypes: ["mitigates"])
            ])
        #expect(d.worstStatus == .untested)

        let e = report.controls[2]
        #expect(e.score == 0.25)
        #expect(e.worstStatus == .inProgress)
        #expect(e.untestedOrMissed == 0)

        let empty = report.controls[8]
        #expect(empty.techniques.isEmpty && empty.score == 0 && empty.worstStatus == nil && empty.untestedOrMissed == 0)

        #expect(report.frameworkID == "f")
        let totals = report.totals
        #expect(totals.controls == 9)
        #expect(totals.controlsWithGaps == 2)
        #expect(totals.controlsWithoutTechniques == 2)
        #expect(totals.techniques == 7)
        #expect(totals.untestedOrMissedTechniques == 2)
        #expect(
            totals.statusCounts == [
                "prevented": 1, "detected": 1, "missed": 1, "logged": 1, "partial": 1, "in_progress": 1, "untested": 1,
            ])
        #expect(abs(totals.meanControlScore - (0 + 0.4 + 0.25 + 0.3 + 0.3 + 0.9 + 1.0) / 7) < 1e-12)
    }

    @Test func worstStatusRanking() {
        let ranked: [TechniqueStatus] = [.missed, .untested, .inProgress, .logged, .partial, .detected, .prevented]
        for (i, worse) in ranked.enumerated() {
            for better in ranked[i...] {
                let gap = ControlGap(
                    control: ComplianceControl(id: "X", name: "X"),
                    techniques: [
                        TechniqueGap(techniqueID: "T1001", status: better, score: 1),
                        TechniqueGap(techniqueID: "T1002", status: worse, score: 1),
                    ])
                #expect(gap.worstStatus == worse)
            }
        }
    }

    @Test func sameTechniqueUnderSeveralTypesCountsOnce() {
        var f = Self.framework([("A", "T1001")], controls: ["A"])
        f.mappings.append(ControlMapping(controlID: "A", techniqueID: "T1001", mappingType: "detect"))
        f.mappings.append(ControlMapping(controlID: "A", techniqueID: "T1003"))
        let report = ComplianceGapReport(framework: f, coverage: Self.coverage)
        #expect(report.controls[0].techniques.map(\.techniqueID) == ["T1001", "T1003"])
        #expect(report.controls[0].techniques[0].mappingTypes == ["detect", "mitigates"])
        #expect(report.controls[0].techniques[1].mappingTypes == [])
        #expect(report.totals.techniques == 2)
    }

    @Test func emptyFramework() {
        let report = ComplianceGapReport(framework: Self.framework([], controls: []), coverage: [:])
        #expect(report.controls.isEmpty)
        #expect(
            report.totals.meanControlScore == 0 && report.totals.techniques == 0 && report.totals.statusCounts.isEmpty)
    }

    @Test func wireNamesAreSnakeCase() throws {
        let report = ComplianceGapReport(
            framework: Self.framework([("A", "T1003")], controls: ["A"]), coverage: Self.coverage)
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        for key in [
            "framework_id", "worst_status", "untested_or_missed", "technique_id", "mapping_types",
            "controls_with_gaps", "mean_control_score", "\"missed\"",
        ] {
            #expect(json.contains(key), "\(key)")
        }
    }
}
