import AegisD3FEND
import AegisDomain
import Foundation
import Testing

/// `countermeasure.sync` params built from D3FEND's data.
@Suite struct D3FENDSyncTests {
    @Test func theCSVsMakeOneWholeSet() throws {
        let built = D3FENDSync.params(
            version: "1.2.0", techniques: try D3FENDCSVTests.techniques(), mappings: try D3FENDCSVTests.mappings())
        let set = built.set
        #expect(set.source == "d3fend" && set.version == "1.2.0")
        #expect(set.techniques.count == 249)
        #expect(built.droppedMappings == 0)
        // Every pair is unique already: one link each.
        #expect(set.links.count == 4_917)
        let ids = Set(set.techniques.map(\.id))
        // Parents are named by id, and every one is of the set; 29 are top level.
        #expect(set.techniques.filter { $0.parent == nil }.count == 29)
        #expect(set.techniques.compactMap(\.parent).allSatisfy(ids.contains))
        let abpi = try #require(set.techniques.first { $0.id == "D3-ABPI" })
        #expect(abpi.parent == "D3-EI")
        #expect(abpi.iri == "http://d3fend.mitre.org/ontologies/d3fend.owl#Application-basedProcessIsolation")
        #expect(set.links.allSatisfy { ids.contains($0.countermeasureID) && $0.artifacts?.isEmpty == false })
    }

    @Test func pairsMergeTheirPathsAndUnknownCountermeasuresAreDropped() {
        let techniques = [
            D3FENDTechnique(id: "D3-A", name: "Alpha", tactic: "Detect", iri: "http://example.org/Alpha"),
            D3FENDTechnique(id: "D3-B", name: "Beta", tactic: "Harden", parentName: "Alpha"),
            D3FENDTechnique(id: "D3-B", name: "Beta again", tactic: "Harden"),
        ]
        let mappings = [
            D3FENDMapping(attackID: "T1001", d3fendID: "D3-A", artifacts: ["a:X<b:Y"]),
            D3FENDMapping(attackID: "T1001", d3fendID: "D3-A", artifacts: ["a:X<b:Y", "c:Z<d:W"]),
            D3FENDMapping(attackID: "T1002", d3fendID: "D3-B"),
            D3FENDMapping(attackID: "T1003", d3fendID: "D3-NOPE", artifacts: ["a:X<b:Y"]),
        ]
        let built = D3FENDSync.params(source: "test", version: "1", techniques: techniques, mappings: mappings)
        #expect(built.droppedMappings == 1)
        #expect(built.set.techniques.map(\.id) == ["D3-A", "D3-B"])
        #expect(built.set.techniques[0].iri == "http://example.org/Alpha")
        #expect(built.set.techniques[1].parent == "D3-A" && built.set.techniques[1].iri == nil)
        #expect(
            built.set.links == [
                CountermeasureSet.Link(attackID: "T1001", countermeasureID: "D3-A", artifacts: ["a:X<b:Y", "c:Z<d:W"]),
                CountermeasureSet.Link(attackID: "T1002", countermeasureID: "D3-B", artifacts: nil),
            ])
    }
}
