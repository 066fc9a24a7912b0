import AegisDomain
import Foundation
import Testing

@Suite struct ComplianceCSVParserTests {
    static let known: Set = ["T1078", "T1078.004", "T1059", "T1059.001", "T1110"]

    static func parse(
        _ text: String, framework: String = "acme-2024", name: String? = "ACME Controls",
        version: String? = "2024"
    ) throws -> ComplianceImport {
        try ComplianceCSVParser.parse(
            Data(text.utf8), framework: framework, name: name, version: version, knownTechniqueIDs: known)
    }

    static func error(_ text: String, framework: String = "acme") -> AegisError? {
        ComplianceFixtures.error { _ = try parse(text, framework: framework) }
    }

    @Test func happyPath() throws {
        let text = """
            Technique_ID , control_id,notes,control_name,control_group,mapping_type
            T1078,AC-2,ignored,Account Management,AC,Mitigates
            t1078.004 ,AC-2,,,,mitigates
            T1078,AC-2,dup,,,mitigates
            T1078,AC-2,,,,detect
            ,PE-3,,Physical Access Control,PE,
            T1059,  AC-3 ,,,,
            T1059,,no control,,,

            """
        let result = try Self.parse(text)
        let framework = result.framework
        #expect(framework.id == "acme-2024")
        #expect(framework.name == "ACME Controls")
        #expect(framework.version == "2024")
        #expect(framework.format == .csv)
        #expect(framework.attackVersion == nil && framework.domain == nil)
        #expect(
            framework.controls == [
                ComplianceControl(id: "AC-2", name: "Account Management", group: "AC"),
                ComplianceControl(id: "PE-3", name: "Physical Access Control", group: "PE"),
                ComplianceControl(id: "AC-3", name: "AC-3"),
            ])
        #expect(
            framework.mappings == [
                ControlMapping(controlID: "AC-2", techniqueID: "T1078", mappingType: "mitigates"),
                ControlMapping(controlID: "AC-2", techniqueID: "T1078.004", mappingType: "mitigates"),
                ControlMapping(controlID: "AC-2", techniqueID: "T1078", mappingType: "detect"),
                ControlMapping(controlID: "AC-3", techniqueID: "T1059", mappingType: nil),
            ])
        #expect(result.skippedObjects == 1)
        #expect(result.unknownTechniqueIDs.isEmpty && result.invalidTechniqueIDs.isEmpty)
    }

    @Test func defaultsAndNormalisedFrameworkID() throws {
        let framework = try Self.parse(
            "control_id,technique_id\nA,T1078\n", framework: " ACME.v1 ", name: " ", version: nil
        )
        .framework
        #expect(framework.id == "acme.v1")
        #expect(framework.name == "acme.v1")
        #expect(framework.version == "")
    }

    @Test func quotedFields() throws {
        let text = """
            control_id,control_name,technique_id
            "AC-2","Account Management, ""privileged"" too",T1078
            "AC-3","Two
            lines",  "T1059"
            AC-4,5" floppy,T1110
            "AC-5" , "" ,T1078

            """
        let framework = try Self.parse(text).framework
        #expect(
            framework.controls.map(\.name) == [
                "Account Management, \"privileged\" too", "Two\nlines", "5\" floppy", "AC-5",
            ])
        #expect(framework.mappings.map(\.techniqueID) == ["T1078", "T1059", "T1110", "T1078"])
    }

    @Test func byteOrderMarkAndCRLF() throws {
        let text = "\u{FEFF}control_id,technique_id,control_name\r\nAC-2,T1078,\"A\r\nB\"\r\n\r\nAC-3,T1059,C\r\n"
        let framework = try Self.parse(text).framework
        #expect(
            framework.controls == [
                ComplianceControl(id: "AC-2", name: "A\r\nB"), ComplianceControl(id: "AC-3", name: "C"),
            ])
        #expect(framework.mappings.count == 2)
        // No line end after the last row, and a lone CR.
        let bare = try Self.parse("control_id,technique_id\rAC-2,T1078").framework
        #expect(bare.mappings == [ControlMapping(controlID: "AC-2", techniqueID: "T1078")])
    }

    @Test func fewerFieldsThanTheHeader() throws {
        let framework = try Self.parse("control_id,technique_id,control_name\nAC-2\nAC-3,T1078\n").framework
        #expect(framework.controls.map(\.id) == ["AC-2", "AC-3"])
        #expect(framework.mappings.count == 1)
    }

    @Test func reportsUnknownAndInvalidTechniques() throws {
        let text = """
            control_id,technique_id
            A,T9999
            B,t9999
            B,T1078
            C,T8888.001
            C,M1038
            C,T1078.1
            D,\(String(repeating: "x", count: 500))

            """
        let result = try Self.parse(text)
        #expect(
            result.unknownTechniqueIDs == [
                TechniqueIDCount(id: "T8888.001", count: 1), TechniqueIDCount(id: "T9999", count: 2),
            ])
        #expect(
            result.invalidTechniqueIDs == [
                TechniqueIDCount(id: "M1038", count: 1), TechniqueIDCount(id: "T1078.1", count: 1),
                TechniqueIDCount(id: String(repeating: "x", count: 32), count: 1),
            ])
        #expect(result.framework.mappings == [ControlMapping(controlID: "B", techniqueID: "T1078")])
        #expect(result.framework.controls.map(\.id) == ["A", "B", "C", "D"])
    }

    @Test func invalidListIsBounded() throws {
        let rows = (0..<150).map { "C,bad\($0)" }.joined(separator: "\n")
        let result = try Self.parse("control_id,technique_id\n" + rows + "\n  \t \n")
        #expect(result.invalidTechniqueIDs.count == ComplianceImport.invalidListLimit)
        #expect(result.skippedObjects == 0)
        #expect(result.framework.controls.map(\.id) == ["C"])
    }

    @Test func errors() {
        ComplianceFixtures.expectInvalid(Self.error(""), containing: "content is empty")
        ComplianceFixtures.expectInvalid(Self.error("\u{FEFF}\n\r\n"), containing: "content is empty")
        ComplianceFixtures.expectInvalid(
            Self.error("control,technique\nA,T1078\n"), containing: "missing required columns: control_id, technique_id"
        )
        ComplianceFixtures.expectInvalid(
            Self.error("control_id,control_name\nA,B\n"), containing: "missing required columns: technique_id")
        ComplianceFixtures.expectInvalid(
            Self.error("control_id,technique_id\nA,T1078\nB,T1078,extra\n"),
            containing: "line 3 has 3 fields, but the header has 2")
        ComplianceFixtures.expectInvalid(
            Self.error("control_id,technique_id\nA,T1078\n\"B\nstill open,T1078\n"),
            containing: "line 3: a quoted field is not terminated")
        ComplianceFixtures.expectInvalid(
            Self.error("control_id,technique_id\n\"A\"x,T1078\n"), containing: "line 2: a quoted field must end")
        ComplianceFixtures.expectInvalid(Self.error("control_id,technique_id\n"), containing: "defines no controls")
        ComplianceFixtures.expectInvalid(
            Self.error("control_id,technique_id\n,T1078\n"), containing: "defines no controls")
        let notUTF8 = ComplianceFixtures.error {
            _ = try ComplianceCSVParser.parse(
                Data([0x63, 0x2C, 0x74, 0x0A, 0xFF, 0xFE, 0x0A]), framework: "x", knownTechniqueIDs: [])
        }
        ComplianceFixtures.expectInvalid(notUTF8, containing: "line 2 is not UTF-8 text")
        ComplianceFixtures.expectInvalid(
            Self.error("control_id,technique_id\nA,T1078\n", framework: "Not A Slug!"), field: "framework",
            containing: "framework must be")
        ComplianceFixtures.expectInvalid(
            Self.error("control_id,technique_id\nA,T1078\n", framework: ""), field: "framework",
            containing: "framework must be")
    }

    @Test func errorsDoNotEchoTheContent() {
        let secret = String(repeating: "S", count: 10_000)
        for text in [
            "\(secret),x\nA,T1078\n", "control_id,technique_id\n\"\(secret)",
            "control_id,technique_id\nA,B,\(secret)\n",
        ] {
            let error = Self.error(text)
            #expect(error != nil)
            #expect(error?.message.contains("SSSS") == false)
            #expect((error?.message.count ?? .max) < 120)
        }
    }
}
