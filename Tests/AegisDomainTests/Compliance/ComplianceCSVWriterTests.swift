import AegisDomain
import Foundation
import Testing

@Suite struct ComplianceCSVWriterTests {
    @Test func quotesOnlyWhenNeeded() {
        #expect(CSVWriter.cell("AC-2") == "AC-2")
        #expect(CSVWriter.cell("") == "")
        #expect(CSVWriter.cell("a,b") == "\"a,b\"")
        #expect(CSVWriter.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.cell("two\nlines") == "\"two\nlines\"")
        #expect(CSVWriter.cell("cr\rhere") == "\"cr\rhere\"")
        #expect(CSVWriter.line(["a", "b,c", ""]) == "a,\"b,c\",\r\n")
    }

    @Test func guardsAgainstFormulas() {
        #expect(CSVWriter.cell("=SUM(A1:A9)") == "'=SUM(A1:A9)")
        #expect(CSVWriter.cell("+1") == "'+1")
        #expect(CSVWriter.cell("-1") == "'-1")
        #expect(CSVWriter.cell("@cmd") == "'@cmd")
        #expect(CSVWriter.cell("\tx") == "'\tx")
        #expect(CSVWriter.cell("\r\nx") == "\"'\r\nx\"")
        #expect(CSVWriter.cell("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        #expect(CSVWriter.cell("a=b") == "a=b")
        #expect(CSVWriter.cell(" =x") == " =x")
    }

    @Test func writesTheGapReport() throws {
        let framework = ComplianceFramework(
            id: "f", name: "F", version: "1", format: .csv,
            controls: [
                ComplianceControl(id: "AC-2", name: "Account Management, all", group: "AC"),
                ComplianceControl(id: "X", name: "=cmd|' /C calc'!A0"),
                ComplianceControl(id: "PE-3", name: "Physical \"Access\"", group: "PE"),
            ],
            mappings: [
                ControlMapping(controlID: "AC-2", techniqueID: "T1078"),
                ControlMapping(controlID: "AC-2", techniqueID: "T1059.001"),
                ControlMapping(controlID: "X", techniqueID: "T1078"),
            ])
        let coverage = [
            "T1078": TechniqueCoverage(status: .detected, score: 2.0 / 3),
            "T1059.001": TechniqueCoverage(status: .missed, score: 0),
        ]
        let report = ComplianceGapReport(framework: framework, coverage: coverage)
        let expected = [
            "control_id,control_name,control_group,technique_id,status,score",
            #"AC-2,"Account Management, all",AC,T1059.001,missed,0"#,
            #"AC-2,"Account Management, all",AC,T1078,detected,0.6667"#,
            "X,'=cmd|' /C calc'!A0,,T1078,detected,0.6667",
            #"PE-3,"Physical ""Access""",PE,,,"#,
        ].map { $0 + "\r\n" }.joined()
        #expect(report.csvText == expected)

        // What the writer produces, the CSV parser reads back.
        let back = try ComplianceCSVParser.parse(
            Data(report.csvText.utf8), framework: "f", knownTechniqueIDs: ["T1078", "T1059.001"]
        ).framework
        #expect(back.controls.map(\.id) == ["AC-2", "X", "PE-3"])
        #expect(back.controls[0].name == "Account Management, all")
        #expect(back.controls[2] == ComplianceControl(id: "PE-3", name: "Physical \"Access\"", group: "PE"))
        #expect(Set(back.mappings) == Set(framework.mappings))
    }
}
