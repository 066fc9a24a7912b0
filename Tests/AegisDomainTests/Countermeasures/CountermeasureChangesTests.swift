import AegisDomain
import Testing

/// What a sync writes: the stored set against the new one.
@Suite struct CountermeasureChangesTests {
    func cm(_ id: String, _ name: String = "N", tactic: DefensiveTactic = .detect) -> Countermeasure {
        Countermeasure(id: id, name: name, tactic: tactic, source: "d3fend", sourceVersion: "1")
    }

    func link(_ c: String, _ t: String, _ artifacts: [String] = []) -> CountermeasureLink {
        CountermeasureLink(countermeasureID: c, techniqueID: t, artifacts: artifacts)
    }

    @Test func countsAddedUpdatedRemovedAndLinks() {
        let stored = StoredCountermeasures(
            version: "1", countermeasures: [cm("D3-A"), cm("D3-B"), cm("D3-C")],
            links: [link("D3-A", "T1001"), link("D3-B", "T1002")])
        let new = [cm("D3-A"), cm("D3-B", "Renamed"), cm("D3-D")]
        let changes = CountermeasureChanges(
            from: stored, to: new, links: [link("D3-A", "T1001"), link("D3-D", "T1003")], version: "2")
        #expect(changes.added == 1 && changes.updated == 1 && changes.unchanged == 1)
        #expect(changes.removed == ["D3-C"])
        #expect(changes.upserted.map(\.id) == ["D3-B", "D3-D"])
        #expect(changes.linksAdded == 1 && changes.linksRemoved == 1 && changes.linksChanged)
        #expect(changes.versionChanged && !changes.isEmpty)
    }

    @Test func theSameSetChangesNothingButNewArtifactsOrAVersionDo() {
        let stored = StoredCountermeasures(
            version: "1", countermeasures: [cm("D3-A")], links: [link("D3-A", "T1001", ["x"])])
        let same = CountermeasureChanges(
            from: stored, to: [cm("D3-A")], links: [link("D3-A", "T1001", ["x"])], version: "1")
        #expect(same.isEmpty && same.unchanged == 1)
        let artifacts = CountermeasureChanges(
            from: stored, to: [cm("D3-A")], links: [link("D3-A", "T1001", ["y"])], version: "1")
        #expect(
            artifacts.linksChanged && artifacts.linksAdded == 0 && artifacts.linksRemoved == 0 && !artifacts.isEmpty)
        let version = CountermeasureChanges(
            from: stored, to: [cm("D3-A")], links: [link("D3-A", "T1001", ["x"])], version: "2")
        #expect(version.versionChanged && version.upserted.isEmpty && !version.isEmpty)
        let first = CountermeasureChanges(
            from: StoredCountermeasures(version: nil, countermeasures: [], links: []), to: [], links: [], version: "1")
        #expect(first.versionChanged)
    }

    @Test func tacticsReadInAnyCaseAndSortInMatrixOrder() {
        #expect(DefensiveTactic(named: "detect") == .detect)
        #expect(DefensiveTactic(named: "HARDEN") == .harden)
        #expect(DefensiveTactic(named: "Protect") == nil)
        #expect(
            DefensiveTactic.allCases.map(\.rawValue) == [
                "Model", "Harden", "Detect", "Isolate", "Deceive", "Evict", "Restore",
            ])
        #expect([DefensiveTactic.restore, .model, .detect].sorted() == [.model, .detect, .restore])
        let refs = [
            CountermeasureRef(id: "D3-Z", name: "Z", tactic: .detect),
            CountermeasureRef(id: "D3-A", name: "A", tactic: .detect),
            CountermeasureRef(id: "D3-H", name: "H", tactic: .harden),
        ]
        let grouped = TechniqueDetail.grouped(refs)
        #expect(grouped.map(\.0) == [.harden, .detect])
        #expect(grouped.last?.1.map(\.id) == ["D3-A", "D3-Z"])
    }
}
