import AegisDomain
import Foundation
import Testing

/// Reads `json` with an enterprise catalog of `known` ids.
private func read(_ json: String, known: Set<String> = ["T1059", "T1059.001", "T1003"]) throws(AegisError)
    -> ImportedLayer
{
    try NavigatorLayerReader.read(Data(json.utf8), expectedDomain: "enterprise-attack", knownTechniqueIDs: known)
}

@Suite struct NavigatorLayerReaderTests {
    @Test func readsBearAPT() throws {
        let data = try NavigatorTestData.layerFile("Bear_APT.json")
        let layer = try NavigatorLayerReader.read(data, knownTechniqueIDs: ["T1001.001", "T1105", "T1518.001"])
        #expect(layer.name == "*Bear APTs")
        #expect(layer.description == "All techniques used by an APT group with phrase 'bear' in the group aliases")
        #expect(layer.formatVersion == "3.0")
        #expect(layer.domain == "enterprise-attack")  // written as mitre-enterprise
        #expect(layer.attackVersion == nil)
        #expect(layer.techniques.count == 126)
        #expect(layer.warnings.isEmpty)
        #expect(
            layer.techniques.first
                == ImportedLayer.Technique(
                    techniqueID: "T1001.001", color: "#ff6666", comment: "used by Fancy Bear"))
        let t1105 = layer.techniques.first { $0.techniqueID == "T1105" }
        #expect(t1105?.comment == "used by Fancy Bear, Berserk Bear, VOODOO BEAR, WhiteBear (AKA VENOMOUS BEAR)")
        #expect(layer.techniques.last?.techniqueID == "T1518.001")
        #expect(layer.techniques.allSatisfy { $0.enabled && $0.score == nil && $0.tactic == nil })
        // Every other id is unknown to this three-id catalog; reported, sorted, once each.
        #expect(layer.unknownTechniqueIDs.count == 123)
        #expect(layer.unknownTechniqueIDs == layer.unknownTechniqueIDs.sorted())
        #expect(!layer.unknownTechniqueIDs.contains("T1105"))
        #expect(layer.unknownTechniqueIDs.contains("T1091"))
    }

    @Test func readsTheSpecExample() throws {
        let layer = try NavigatorLayerReader.read(
            try NavigatorTestData.specExample(0), knownTechniqueIDs: ["T1110", "T1110.001", "T1134", "T1078", "T1053"])
        #expect(layer.formatVersion == "4.5")
        #expect(layer.attackVersion == "13")
        #expect(layer.name == "example layer")
        #expect(layer.description == "hello, world")
        #expect(layer.techniques.map(\.techniqueID) == ["T1110", "T1110.001", "T1134", "T1078", "T1053", "T1098"])
        #expect(
            layer.techniques[0]
                == ImportedLayer.Technique(
                    techniqueID: "T1110", score: 0, color: "#fd8d3c", comment: "This is a comment for technique T1110"))
        #expect(layer.techniques[2].tactic == "defense-evasion")
        #expect(layer.techniques[3].enabled == false)
        #expect(layer.unknownTechniqueIDs == ["T1098"])
        // The multi-layer example is a list: one layer per call, so refused.
        #expect(refusal(try NavigatorTestData.specExample(1))?.message.contains("one JSON object") == true)
    }

    @Test func readsA3xLayer() throws {
        let layer = try read(
            """
            {"name": "old", "version": "3.0", "domain": "mitre-enterprise", "description": "3.x",
             "techniques": [
                {"techniqueID": "T1059", "tactic": "execution", "score": 3, "enabled": true},
                {"techniqueID": "T1003", "score": 1.5, "enabled": false, "comment": ""}
             ]}
            """)
        #expect(layer.formatVersion == "3.0")
        #expect(layer.domain == "enterprise-attack")
        #expect(
            layer.techniques == [
                .init(techniqueID: "T1059", tactic: "execution", score: 3),
                .init(techniqueID: "T1003", score: 1.5, enabled: false),
            ])
        #expect(layer.unknownTechniqueIDs.isEmpty)
    }

    @Test(arguments: ["4.0", "4.1", "4.2", "4.3", "4.4", "4.5", "4.5.0"])
    func reads4xVersions(version: String) throws {
        let versions = #"{"attack": "14", "navigator": "4.9.1", "layer": "\#(version)"}"#
        let layer = try read(#"{"name": "n", "versions": \#(versions), "domain": "enterprise-attack"}"#)
        #expect(layer.formatVersion == version)
        #expect(layer.attackVersion == "14")
        #expect(layer.techniques.isEmpty)
    }

    @Test func normalisesIDsAndKeepsEveryTactic() throws {
        let layer = try read(
            """
            {"name": "n", "versions": {"layer": "4.5"}, "domain": " Enterprise-Attack ", "techniques": [
                {"techniqueID": " t1059.001 ", "tactic": " Execution ", "score": 10},
                {"techniqueID": "T1059.001", "tactic": "defense-evasion", "score": 20},
                {"techniqueID": "t9999"}, {"techniqueID": "T9999"}, {"techniqueID": "T0001"}
            ]}
            """)
        #expect(layer.domain == "enterprise-attack")
        #expect(layer.techniques.map(\.techniqueID) == ["T1059.001", "T1059.001", "T9999", "T9999", "T0001"])
        #expect(layer.techniques.map(\.tactic) == ["execution", "defense-evasion", nil, nil, nil])
        #expect(layer.unknownTechniqueIDs == ["T0001", "T9999"])
    }

    @Test func scoresMayBeNumbersOrNumericStrings() throws {
        let layer = try read(
            """
            {"name": "n", "versions": {"layer": "4.5"}, "domain": "enterprise-attack", "techniques": [
                {"techniqueID": "T1059", "score": 42},
                {"techniqueID": "T1059", "score": " 12.5 "},
                {"techniqueID": "T1059", "score": "high"},
                {"techniqueID": "T1059", "score": true},
                {"techniqueID": "T1059", "score": null},
                {"techniqueID": "T1059", "score": "nan"},
                {"techniqueID": "T1059", "enabled": "yes", "color": 7, "comment": ["x"]}
            ]}
            """)
        #expect(layer.techniques.map(\.score) == [42, 12.5, nil, nil, nil, nil, nil])
        #expect(layer.techniques[6] == .init(techniqueID: "T1059"))
        #expect(
            layer.warnings == [
                "techniques[2] (T1059): score is not a number; ignored",
                "techniques[3] (T1059): score is not a number; ignored",
                "techniques[5] (T1059): score is not a number; ignored",
                "techniques[6] (T1059): enabled is not a boolean; ignored",
                "techniques[6] (T1059).color is not a string; ignored",
                "techniques[6] (T1059).comment is not a string; ignored",
            ])
    }

    /// Numbers beyond Double either read as no score or refuse the file; neither crashes.
    @Test func outOfRangeNumbersDoNotCrash() {
        for number in ["1e400", "-1e400", "123456789012345678901234567890"] {
            let json =
                #"{"version": "3.0", "domain": "enterprise-attack", "techniques": [{"techniqueID": "T1", "score": \#(number)}]}"#
            do {
                let layer = try read(json)
                #expect(layer.techniques.first?.score.map(\.isFinite) ?? true)
            } catch {
                #expect(error.code == .invalidArgument)
            }
        }
    }

    @Test func warningsAreCapped() throws {
        let entries = Array(repeating: #"{"techniqueID": "T1059", "score": "x"}"#, count: 150).joined(separator: ",")
        let layer = try read(
            #"{"name": "n", "version": "3.0", "domain": "enterprise-attack", "techniques": [\#(entries)]}"#)
        #expect(layer.techniques.count == 150)
        #expect(layer.warnings.count == NavigatorLayerReader.maxWarnings + 1)
        #expect(layer.warnings.last == "50 more warnings not shown")
    }

    @Test func missingNameIsAWarning() throws {
        let layer = try read(#"{"version": "3.0", "domain": "enterprise-attack", "techniques": null}"#)
        #expect(layer.name == "")
        #expect(layer.warnings == ["name is missing; left empty"])
    }
}
