import AegisDomain
import Foundation
import Testing

@Suite struct ComplianceMappingsExplorerTests {
    /// Every technique id the NIST file names, read with JSONSerialization.
    static func techniqueIDs(in data: Data) throws -> Set<String> {
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let objects = try #require(root["mapping_objects"] as? [[String: Any]])
        return Set(objects.compactMap { $0["attack_object_id"] as? String })
    }

    @Test func parsesTheNISTFile() throws {
        let data = try Data(contentsOf: ComplianceFixtures.nist)
        // SSL Pinning (T1521.003) is a mobile technique the enterprise file names once.
        let known = try Self.techniqueIDs(in: data).subtracting(["T1521.003"])
        let result = try MappingsExplorerParser.parse(data, knownTechniqueIDs: known)
        let framework = result.framework

        #expect(framework.id == "nist_800_53-rev5")
        #expect(framework.name == "NIST SP 800-53")
        #expect(framework.version == "rev5")
        #expect(framework.attackVersion == "16.1")
        #expect(framework.domain == "enterprise")
        #expect(framework.format == .mappingsExplorer)
        #expect(framework.groupNames.count == 11)
        #expect(framework.groupNames["AC"] == "Access Control")

        #expect(framework.controls.count == 109)
        #expect(
            framework.controls.first
                == ComplianceControl(id: "CM-03", name: "Configuration Change Control", group: "CM"))
        #expect(framework.controls.contains(ComplianceControl(id: "AC-02", name: "Account Management", group: "AC")))
        // 5,314 complete objects, 50 of them repeats, one unknown technique.
        #expect(framework.mappings.count == 5263)
        #expect(Set(framework.mappings).count == framework.mappings.count)
        #expect(result.skippedObjects == 96)
        #expect(result.unknownTechniqueIDs == [TechniqueIDCount(id: "T1521.003", count: 1)])
        #expect(result.invalidTechniqueIDs.isEmpty)

        for (control, technique) in [
            ("CM-03", "T1666"), ("AC-02", "T1078"), ("IA-02", "T1110.003"), ("SI-04", "T1059.001"),
        ] {
            #expect(
                framework.mappings.contains(
                    ControlMapping(controlID: control, techniqueID: technique, mappingType: "mitigates")))
        }
        #expect(framework.mappings.filter { $0.controlID == "AC-02" }.count == 220)
        #expect(framework.controls.contains { $0.id == "SC-12" })
        #expect(!framework.mappings.contains { $0.techniqueID == "T1521.003" })
        #expect(Set(framework.mappings.compactMap(\.mappingType)) == ["mitigates"])
    }

    static func document(
        metadata: String = #"{"mapping_framework": "aws", "mapping_framework_version": "12/12/2024"}"#,
        objects: String
    ) -> Data {
        Data(#"{"metadata": \#(metadata), "mapping_objects": [\#(objects)]}"#.utf8)
    }

    @Test func readsCloudScoresNullsAndVariants() throws {
        let objects = """
            {"capability_id": "amazon_cognito", "capability_description": "Amazon Cognito", "mapping_type": "technique_scores",
             "attack_object_id": "T1078", "capability_group": "amazon_cognito", "score_category": "protect", "status": "complete"},
            {"capability_id": "amazon_cognito", "mapping_type": "technique_scores", "attack_object_id": "t1078 ",
             "score_category": "Detect", "status": "complete"},
            {"capability_id": "amazon_cognito", "mapping_type": "technique_scores", "attack_object_id": "T1078",
             "score_category": "protect", "status": "complete"},
            {"capability_id": "attribute.confidentiality.data_disclosure", "capability_description": null,
             "capability_group": null, "mapping_type": "related_to", "attack_object_id": "T1040"},
            {"capability_id": "CCC-01", "mapping_type": "non_mappable", "attack_object_id": null, "status": "complete"},
            {"capability_id": null, "attack_object_id": "T1496", "status": "non_mappable"},
            {"capability_id": "X-1", "attack_object_id": "T1496", "status": "non_mappable"},
            {"capability_id": "X-2", "mapping_type": "mitigates"},
            42,
            {"capability_id": 12, "mapping_type": ["odd"], "attack_object_id": "T1059"},
            {"capability_id": "X-3", "attack_object_id": "M1038"},
            {"capability_id": "X-3", "attack_object_id": "T9999.001"},
            {"capability_id": "X-3", "attack_object_id": "T9999.001"}
            """
        let known: Set = ["T1078", "T1040", "T1059"]
        let result = try MappingsExplorerParser.parse(Self.document(objects: objects), knownTechniqueIDs: known)
        let framework = result.framework

        #expect(framework.id == "aws-12.12.2024")
        #expect(framework.name == "Amazon Web Services")
        #expect(framework.version == "12/12/2024")
        #expect(framework.attackVersion == nil)
        #expect(
            framework.controls == [
                ComplianceControl(id: "amazon_cognito", name: "Amazon Cognito", group: "amazon_cognito"),
                ComplianceControl(
                    id: "attribute.confidentiality.data_disclosure", name: "attribute.confidentiality.data_disclosure"),
                ComplianceControl(id: "12", name: "12"),
                ComplianceControl(id: "X-3", name: "X-3"),
            ])
        #expect(
            framework.mappings == [
                ControlMapping(controlID: "amazon_cognito", techniqueID: "T1078", mappingType: "protect"),
                ControlMapping(controlID: "amazon_cognito", techniqueID: "T1078", mappingType: "detect"),
                ControlMapping(
                    controlID: "attribute.confidentiality.data_disclosure", techniqueID: "T1040",
                    mappingType: "related_to"),
                ControlMapping(controlID: "12", techniqueID: "T1059", mappingType: nil),
            ])
        // non_mappable type, null id, non_mappable status, no technique, not an object.
        #expect(result.skippedObjects == 5)
        #expect(result.unknownTechniqueIDs == [TechniqueIDCount(id: "T9999.001", count: 2)])
        #expect(result.invalidTechniqueIDs == [TechniqueIDCount(id: "M1038", count: 1)])
    }

    @Test func namesAndIDs() throws {
        let object = #"{"capability_id": "A", "attack_object_id": "T1078"}"#
        func framework(_ metadata: String) throws -> ComplianceFramework {
            try MappingsExplorerParser.parse(
                Self.document(metadata: metadata, objects: object), knownTechniqueIDs: ["T1078"]
            )
            .framework
        }
        let cis = try framework(
            #"{"mapping_framework": "cis_controls", "mapping_framework_version": "8.2", "attack_version": "19.1"}"#)
        #expect(cis.id == "cis_controls-8.2")
        #expect(cis.name == "CIS Critical Security Controls")
        #expect(cis.attackVersion == "19.1")
        let odd = try framework(#"{"mapping_framework": "My Own Framework", "mapping_framework_version": ""}"#)
        #expect(odd.id == "my_own_framework")
        #expect(odd.name == "My Own Framework")
        #expect(odd.version == "")
        let cri = try framework(
            #"{"mapping_framework": "cri_profile", "mapping_framework_version": "v2.1", "capability_groups": {"DE.AE": "Detect", "x": null, "y": [1]}}"#
        )
        #expect(cri.id == "cri_profile-v2.1")
        #expect(cri.groupNames == ["DE.AE": "Detect"])
    }

    @Test func refusesWhatIsNotAMappingsFile() {
        let known: Set = ["T1078"]
        func error(_ text: String) -> AegisError? {
            ComplianceFixtures.error { _ = try MappingsExplorerParser.parse(Data(text.utf8), knownTechniqueIDs: known) }
        }
        ComplianceFixtures.expectInvalid(error("{\"metadata\": "), containing: "not valid JSON")
        ComplianceFixtures.expectInvalid(error(""), containing: "not valid JSON")
        ComplianceFixtures.expectInvalid(error("[1, 2]"), containing: "not a JSON object")
        ComplianceFixtures.expectInvalid(
            error(#"{"metadata": {"mapping_framework": "x"}}"#), containing: "no mapping_objects array")
        ComplianceFixtures.expectInvalid(
            error(#"{"metadata": {"mapping_framework": "x"}, "mapping_objects": {}}"#),
            containing: "no mapping_objects array")
        ComplianceFixtures.expectInvalid(
            error(#"{"mapping_objects": []}"#), containing: "no metadata.mapping_framework")
        ComplianceFixtures.expectInvalid(
            error(#"{"metadata": {"mapping_framework": "  "}, "mapping_objects": []}"#),
            containing: "no metadata.mapping_framework")
        ComplianceFixtures.expectInvalid(
            error(#"{"metadata": {"mapping_framework": "!!!"}, "mapping_objects": []}"#),
            containing: "no usable framework id")
        // The KEV file of 08/27/2025 has no mapping objects at all.
        ComplianceFixtures.expectInvalid(
            error(#"{"metadata": {"mapping_framework": "kev"}, "mapping_objects": []}"#), containing: "maps no controls"
        )
        ComplianceFixtures.expectInvalid(
            error(#"{"metadata": {"mapping_framework": "kev"}, "mapping_objects": [{"capability_id": null}]}"#),
            containing: "maps no controls (1 mapping objects skipped)")
    }

    @Test func errorsDoNotEchoTheContent() {
        let huge = "{\"metadata\": \"" + String(repeating: "A", count: 100_000)
        let error = ComplianceFixtures.error {
            _ = try MappingsExplorerParser.parse(Data(huge.utf8), knownTechniqueIDs: [])
        }
        #expect(error != nil)
        #expect((error?.message.count ?? .max) < 100)
        #expect(error?.message.contains("AAAA") == false)
    }
}
