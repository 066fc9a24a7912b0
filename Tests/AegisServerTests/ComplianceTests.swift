import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// `compliance.*` over the wire: the CTID Mappings Explorer NIST 800-53
/// file on the Enterprise catalog, and the simple CSV format.
@Suite struct ComplianceTests {
    static var nist: URL { TestData.shared.appendingPathComponent("compliance/nist_800_53-rev5_attack-16.1-enterprise.json") }

    @Test func mappingsExplorerFrameworksImportListAndShowGaps() throws {
        let daemon = try TestDaemon(attackData: TestData.attackLookup)
        let admin = try daemon.client()
        admin.timeout = .seconds(60)
        let content = try Data(contentsOf: Self.nist)
        let imported = try admin.call("compliance.framework.import", ["format": "mappings_explorer", "content": .binary(content)])
        #expect(imported["framework"]?["id"] == "nist_800_53-rev5")
        #expect(imported["framework"]?["name"] == "NIST SP 800-53")
        #expect(imported["framework"]?["controls"] == 109)
        #expect((imported["framework"]?["mappings"]?.intValue ?? 0) > 5_000)
        #expect(imported["skipped_objects"] == 96)
        #expect(imported["replaced"] == false)
        // ATT&CK 16.1 mappings against a v18.1 catalog: ids it lacks are reported.
        let unknown = imported["unknown_technique_ids"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(unknown.contains("T1521.003"))

        let again = try admin.call("compliance.framework.import", ["format": "mappings_explorer", "content": .binary(content)])
        #expect(again["replaced"] == true)
        let list = try admin.call("compliance.framework.list")
        #expect(list["items"]?.arrayValue?.map { $0["id"] } == ["nist_800_53-rev5"])

        let gap = try admin.call("compliance.gap", ["framework": "nist_800_53-rev5"])
        #expect(gap["framework_id"] == "nist_800_53-rev5")
        let controls = gap["controls"]?.arrayValue ?? []
        #expect(controls.count == 109)
        // Nothing is tested: every mapped technique is untested.
        let ac2 = controls.first { $0["control"]?["id"] == "AC-02" }
        let ac2Techniques = ac2?["techniques"]?.arrayValue ?? []
        #expect(ac2Techniques.contains { $0["technique_id"] == "T1078" })
        #expect(ac2Techniques.allSatisfy { $0["status"] == "untested" })
        #expect((controls.first?["untested_or_missed"]?.intValue ?? 0) > 0)

        let csv = try admin.call("compliance.gap", ["framework": "nist_800_53-rev5", "format": "csv"])
        let text = csv["data"]?.stringValue ?? ""
        #expect(text.hasPrefix("control_id,control_name,control_group,technique_id,status,score\r\n"))
        #expect(text.contains("AC-02,"))

        let audit = try admin.call("audit.list", ["entity_kind": "compliance_framework"])
        #expect(audit["items"]?.arrayValue?.count == 2)
    }

    @Test func csvFrameworksAndBadFilesGetClearErrors() throws {
        let team = try Team()
        let lead = team["redlead"]
        let csv = """
            control_id,control_name,control_group,technique_id,mapping_type
            PLC-1,"Protect controllers, always",OT,T0803,mitigates
            PLC-1,"Protect controllers, always",OT,T9999,mitigates
            PLC-2,Watch the network,OT,,
            """
        let imported = try lead.call(
            "compliance.framework.import",
            ["format": "csv", "content": .string(csv), "framework": "acme-ot", "name": "ACME OT policy", "version": "1"])
        #expect(imported["framework"]?["id"] == "acme-ot")
        #expect(imported["framework"]?["controls"] == 2)
        #expect(imported["framework"]?["mappings"] == 1)
        #expect(imported["unknown_technique_ids"]?.arrayValue?.first?["id"] == "T9999")
        let gap = try team["viewer1"].call("compliance.gap", ["framework": "acme-ot", "domain": "ics-attack"])
        #expect(gap["controls"]?.arrayValue?.first?["control"]?["id"] == "PLC-1")

        func refused(_ params: MessagePackMap) -> String? { code { try lead.call("compliance.framework.import", params) } }
        #expect(refused(["format": "csv", "content": .string(csv)]) == "INVALID_ARGUMENT")  // no framework id
        #expect(refused(["format": "csv", "content": "control_id,control_name\nA,B\n", "framework": "x"]) == "INVALID_ARGUMENT")
        #expect(refused(["format": "csv", "content": "control_id,technique_id\n\"A,T0803\n", "framework": "x"]) == "INVALID_ARGUMENT")
        #expect(refused(["format": "csv", "content": "", "framework": "x"]) == "INVALID_ARGUMENT")
        #expect(refused(["format": "mappings_explorer", "content": "not json"]) == "INVALID_ARGUMENT")
        #expect(refused(["format": "mappings_explorer", "content": "{\"metadata\": {}}"]) == "INVALID_ARGUMENT")
        #expect(refused(["format": "xlsx", "content": "a"]) == "INVALID_ARGUMENT")
        let longType = "control_id,technique_id,mapping_type\nA,T0803," + String(repeating: "m", count: 3_000) + "\n"
        #expect(refused(["format": "csv", "content": .string(longType), "framework": "long"]) == "INVALID_ARGUMENT")
        #expect(code { try team["viewer1"].call("compliance.framework.import", ["format": "csv", "content": .string(csv), "framework": "v"]) } == "PERMISSION_DENIED")
        #expect(code { try team["viewer1"].call("compliance.gap", ["framework": "nowhere"]) } == "NOT_FOUND")
        #expect(code { try team["viewer1"].call("compliance.gap", ["framework": "../etc"]) } == "INVALID_ARGUMENT")
        #expect(code { try team["viewer1"].call("compliance.gap", ["framework": "acme-ot", "format": "pdf"]) } == "INVALID_ARGUMENT")
        #expect(try team["viewer1"].call("compliance.framework.list")["items"]?.arrayValue?.count == 1)
    }
}
