import AegisD3FEND
import AegisTestSupport
import Foundation
import Testing

/// D3FEND's web-API answer for T1059.001 (release 0.17.0).
@Suite struct D3FENDAPIAnswerTests {
    @Test func readsTheBindingsThatNameACountermeasure() throws {
        let answer = try D3FENDAPIAnswer.read(
            Data(contentsOf: TestData.d3fend.appendingPathComponent("api-sample-T1059.001.json")))
        // 12 bindings, one of them the technique's own artifact without a countermeasure.
        #expect(answer.mappings.count == 11)
        #expect(answer.mappings.allSatisfy { $0.attackID == "T1059.001" && $0.attackName == "PowerShell" })
        #expect(
            answer.techniques.map(\.id).sorted() == [
                "D3-DA", "D3-DF", "D3-EAL", "D3-EDL", "D3-EFA", "D3-FA", "D3-FE", "D3-FEV", "D3-FIM", "D3-LFP", "D3-RF",
            ])
        let df = try #require(answer.techniques.first { $0.id == "D3-DF" })
        #expect(df.name == "Decoy File" && df.tactic == "Deceive" && df.parentName == "Decoy Object")
        #expect(df.iri == "http://d3fend.mitre.org/ontologies/d3fend.owl#DecoyFile")
        let mapping = try #require(answer.mappings.first { $0.d3fendID == "D3-DF" })
        #expect(mapping.artifacts == ["executes:ExecutableScript<spoofs:File"])

        // Every row the API gives is one the CSV derived (the CSV is of a later release).
        let csv = try D3FENDCSVTests.mappings().filter { $0.attackID == "T1059.001" }
        for m in answer.mappings {
            #expect(csv.contains { $0.d3fendID == m.d3fendID && $0.artifacts.contains(m.artifacts[0]) }, "\(m)")
        }
    }

    @Test func otherJSONIsRefused() {
        #expect(throws: D3FENDDataError.self) { try D3FENDAPIAnswer.read(Data("{\"results\": []}".utf8)) }
        #expect(throws: D3FENDDataError.self) { try D3FENDAPIAnswer.read(Data("not json".utf8)) }
        let noID = #"{"off_to_def": {"results": {"bindings": [{"def_tech": {"type": "uri", "value": "x#Y"}}]}}}"#
        #expect(throws: D3FENDDataError.self) { try D3FENDAPIAnswer.read(Data(noID.utf8)) }
    }
}
