import AegisD3FEND
import AegisDomain
import AegisTestSupport
import Foundation
import Testing

/// D3FEND's two CSVs, read from the real files.
@Suite struct D3FENDCSVTests {
    static func techniques() throws -> [D3FENDTechnique] {
        try D3FENDTechnique.readCSV(Data(contentsOf: TestData.d3fend.appendingPathComponent("d3fend_techniques.csv")))
    }

    static func mappings() throws -> [D3FENDMapping] {
        try D3FENDMapping.readCSV(Data(contentsOf: TestData.d3fend.appendingPathComponent("attack_to_d3fend.csv")))
    }

    @Test func readsEveryTechniqueWithItsQuotedDefinition() throws {
        let techniques = try Self.techniques()
        #expect(techniques.count == 249)
        #expect(Set(techniques.map(\.id)).count == 249)
        // The manifest's counts by tactic.
        let byTactic = Dictionary(grouping: techniques, by: \.tactic).mapValues(\.count)
        #expect(
            byTactic == [
                "Detect": 79, "Isolate": 53, "Harden": 48, "Model": 27, "Evict": 19, "Restore": 12, "Deceive": 11,
            ])
        let aa = try #require(techniques.first { $0.id == "D3-AA" })
        #expect(
            aa.name == "Agent Authentication" && aa.tactic == "Harden" && aa.parentName == ""
                && aa.iri == "AgentAuthentication")
        #expect(aa.definition.hasPrefix("Agent authentication is the process of verifying the identities of agents"))
        let abpi = try #require(techniques.first { $0.id == "D3-ABPI" })
        #expect(abpi.parentName == "Execution Isolation")
        // A definition spanning lines, with a list in it.
        let ph = try #require(techniques.first { $0.id == "D3-PH" })
        #expect(ph.definition.contains("exploit.\n\nPlatforms includes components such as:\n* BIOS UEFI"))
        // Doubled quotes inside a quoted field.
        let dce = try #require(techniques.first { $0.id == "D3-DCE" })
        #expect(dce.definition == "Removing unreachable or \"dead code\" from compiled source code.")
        // Commas inside a quoted field stay in it: no row has a tactic that is not one.
        #expect(techniques.allSatisfy { DefensiveTactic(named: $0.tactic) != nil })
        #expect(techniques.filter { $0.definition.contains(",") }.count > 50)
    }

    @Test func readsEveryPairWithItsArtifactPaths() throws {
        let mappings = try Self.mappings()
        #expect(mappings.count == 4_917)
        #expect(Set(mappings.map(\.attackID)).count == 419)
        #expect(Set(mappings.map(\.d3fendID)).count == 140)
        #expect(mappings.filter(\.attackDeprecated).count == 74)
        let first = try #require(mappings.first)
        #expect(first.attackID == "T1001" && first.attackName == "Data Obfuscation" && first.d3fendID == "D3-CSPP")
        #expect(first.artifacts == ["produces:OutboundInternetNetworkTraffic<analyzes:NetworkTraffic"])
        #expect(mappings.filter { $0.attackID == "T1059.001" }.count == 15)
        #expect(mappings.contains { $0.artifacts.count > 1 })
        #expect(mappings.allSatisfy { !$0.artifacts.isEmpty && $0.artifacts.allSatisfy { $0.contains("<") } })
    }

    @Test func filesThatCannotBeReadSayWhereAndWhy() {
        func techniquesError(_ text: String) -> D3FENDDataError? {
            #expect(throws: D3FENDDataError.self) { try D3FENDTechnique.readCSV(Data(text.utf8)) }
            do {
                _ = try D3FENDTechnique.readCSV(Data(text.utf8))
                return nil
            } catch { return error }
        }
        #expect(techniquesError("")?.reason == "the file is empty")
        #expect(techniquesError("d3fend_id,name\nD3-X,X\n")?.reason == "the header has no tactic column")
        #expect(techniquesError("d3fend_id,name,tactic\nD3-X,\"X,Detect\n")?.reason.contains("line 2") == true)
        #expect(techniquesError("d3fend_id,name,tactic\nD3-X,,Detect\n")?.reason == "line 2: name is empty")
        #expect(techniquesError("d3fend_id,name,tactic\nD3-X,,Detect\n")?.file == "d3fend_techniques.csv")
        #expect(throws: D3FENDDataError(file: "attack_to_d3fend.csv", reason: "the header has no d3fend_id column")) {
            try D3FENDMapping.readCSV(Data("attack_id,name\nT1001,x\n".utf8))
        }
    }

    /// The plugin carries its own copies of the files.
    @Test func thePluginsCopiesAreTheSharedFiles() throws {
        let copies = TestData.repository.appendingPathComponent("plugins/d3fend/data")
        for name in ["d3fend_techniques.csv", "attack_to_d3fend.csv"] {
            #expect(
                try Data(contentsOf: copies.appendingPathComponent(name))
                    == Data(contentsOf: TestData.d3fend.appendingPathComponent(name)))
        }
        let notice = try String(
            contentsOf: TestData.repository.appendingPathComponent("plugins/d3fend/NOTICE"), encoding: .utf8)
        #expect(notice.contains("MIT License") && notice.contains("The MITRE Corporation"))
        #expect(notice.contains("9ffd035832d60254030cdfb215a72b6619cebd3b") && notice.contains("ATT&CK Terms of Use"))
    }
}
