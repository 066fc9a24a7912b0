import AegisDomain
import Foundation
import Testing

@Suite struct NavigatorRoundTripTests {
    @Test func exportedLayerReadsBack() throws {
        let data = try NavigatorLayerExportTests.sample.jsonData()
        let layer = try NavigatorLayerReader.read(data, knownTechniqueIDs: ["T1059", "T1003.001"])
        #expect(layer.name == "Aegis coverage")
        #expect(layer.description == "what we detect")
        #expect(layer.domain == "enterprise-attack")
        #expect(layer.formatVersion == "4.5")
        #expect(layer.attackVersion == "18")
        #expect(
            layer.techniques == [
                .init(techniqueID: "T1059", tactic: "execution", score: 75, comment: "two tests"),
                .init(techniqueID: "T1003.001", score: 12.5, color: "#ff0000", enabled: false),
                .init(techniqueID: "T1110"),
            ])
        #expect(layer.unknownTechniqueIDs == ["T1110"])
        #expect(layer.warnings.isEmpty)
    }

    /// The reader keeps what the writer can express, for awkward text and numbers too.
    @Test func awkwardValuesSurvive() throws {
        let original = NavigatorLayer(
            name: "naïve \"quoted\" \\ name\t🛡", description: "line 1\nline 2\u{1}",
            techniques: [
                .init(techniqueID: "T1059", tactic: "execution", score: 0.1, comment: "é"),
                .init(techniqueID: "T1059", tactic: "persistence", score: -3, color: "#ABCDEF"),
                .init(techniqueID: "T1003", score: 1e20),
            ])
        let layer = try NavigatorLayerReader.read(try original.jsonData(), knownTechniqueIDs: ["T1059", "T1003"])
        #expect(layer.name == original.name)
        #expect(layer.description == original.description)
        #expect(layer.attackVersion == nil)
        #expect(layer.techniques.map(\.score) == [0.1, -3, 1e20])
        #expect(layer.techniques.map(\.tactic) == ["execution", "persistence", nil])
        #expect(layer.techniques[1].color == "#ABCDEF")
        #expect(layer.techniques[0].comment == "é")
    }
}

@Suite struct NavigatorCompactJSONTests {
    /// Compact output is the same JSON as the indented one, without the
    /// whitespace, escapes included.
    @Test func compactAndPrettyAreTheSameJSON() throws {
        let layer = NavigatorLayer(
            name: "Quote \" back\\slash\ttab é 😀", techniques: [
                .init(techniqueID: "T1059", tactic: "execution", score: 42.5, comment: "line\nbreak \u{1}"),
                .init(techniqueID: "T1003.001", score: 100, metadata: [.item(name: "a", value: "b"), .divider]),
            ])
        let pretty = try JSONSerialization.jsonObject(with: try layer.jsonData()) as? NSDictionary
        let compactData = try layer.jsonData(pretty: false)
        let compact = try JSONSerialization.jsonObject(with: compactData) as? NSDictionary
        #expect(pretty != nil)
        #expect(pretty == compact)
        #expect(!compactData.contains(UInt8(ascii: "\n")))
    }
}
