import AegisDomain
import Testing

@Suite struct NavigatorLayerComparisonTests {
    typealias T = ImportedLayer.Technique

    static let layer = ImportedLayer(
        name: "threat", description: "", domain: "enterprise-attack", formatVersion: "4.5", attackVersion: nil,
        techniques: [
            T(techniqueID: "T1000", score: 0),  // score 0: not covered by the layer
            T(techniqueID: "T1001", score: 80, enabled: false),  // disabled
            T(techniqueID: "T1002"),  // unscored: covered
            T(techniqueID: "T1003", tactic: "credential-access", score: 50),
            T(techniqueID: "T1003", tactic: "persistence", score: 90, enabled: false),
            T(techniqueID: "T1003", tactic: "discovery", score: 20),
            T(techniqueID: "T1004", score: 1),  // not in our coverage at all
            T(techniqueID: "T1005", score: 5),
            T(techniqueID: "T1006", score: 5),
            T(techniqueID: "T1007", score: 5),
            T(techniqueID: "T1008", score: 5),
            T(techniqueID: "T1009", score: 5),
            T(techniqueID: "T9999", score: 5),  // unknown to the catalog
        ],
        unknownTechniqueIDs: ["T9999"], warnings: [])

    static let coverage: [String: LayerComparison.Coverage] = [
        "T1000": .init(status: "untested", score: 0),
        "T1001": .init(status: "missed", score: 0),
        "T1002": .init(status: "detected", score: 75),
        "T1003": .init(status: "missed", score: 0),
        "T1005": .init(status: "in_progress", score: 0),
        "T1006": .init(status: "logged", score: 25),
        "T1007": .init(status: "partial", score: 50),
        "T1008": .init(status: "prevented", score: 100),
        "T1009": .init(status: "untested", score: 0),
    ]

    @Test func listsWhatTheLayerCoversAndWeDoNot() {
        let comparison = LayerComparison(layer: Self.layer, coverage: Self.coverage)
        #expect(comparison.gaps.map(\.techniqueID) == ["T1003", "T1004", "T1005", "T1006", "T1009"])
        #expect(
            comparison.gaps[0]
                == LayerComparison.Gap(
                    techniqueID: "T1003", tactics: ["credential-access", "discovery"], layerScore: 50, status: "missed",
                    score: 0))
        #expect(
            comparison.gaps[1]
                == LayerComparison.Gap(
                    techniqueID: "T1004", tactics: [], layerScore: 1, status: nil, score: nil))
        #expect(comparison.unknownTechniqueIDs == ["T9999"])
        #expect(comparison.inLayerCount == 9)  // not T1000 (score 0) nor T1001 (disabled)
        #expect(comparison.coveredByUsCount == 3)  // T1002, T1007, T1008
        #expect(comparison.gapCount == 5)
        #expect(comparison.unknownCount == 1)
        #expect(comparison.inLayerCount == comparison.coveredByUsCount + comparison.gapCount + comparison.unknownCount)
    }

    @Test func gapStatusesAreTechniqueStatuses() {
        #expect(LayerComparison.gapStatuses == ["untested", "in_progress", "missed", "logged"])
        let covered = TechniqueStatus.allCases.map(\.rawValue).filter { !LayerComparison.gapStatuses.contains($0) }
        #expect(covered.sorted() == ["detected", "partial", "prevented"])
    }

    @Test func bearAPTAgainstNoCoverage() throws {
        let data = try NavigatorTestData.layerFile("Bear_APT.json")
        let all = try NavigatorLayerReader.read(data, knownTechniqueIDs: [])
        let known = Set(all.unknownTechniqueIDs.dropFirst(6))
        let layer = try NavigatorLayerReader.read(data, knownTechniqueIDs: known)
        let comparison = LayerComparison(layer: layer, coverage: [:])
        #expect(comparison.inLayerCount == 126)
        #expect(comparison.unknownCount == 6)
        #expect(comparison.gapCount == 120)
        #expect(comparison.coveredByUsCount == 0)
    }
}
