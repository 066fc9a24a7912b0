import AegisDomain
import Testing

@testable import AegisApp

/// What `countermeasure.sync` checks before it writes, and how links follow
/// the catalog.
@Suite struct CheckedCountermeasureSetTests {
    typealias Entry = CountermeasureSet.Entry
    typealias Link = CountermeasureSet.Link

    static let good = CountermeasureSet(
        source: " D3FEND ", version: " 1.2.0 ",
        techniques: [
            Entry(id: " d3-a ", name: " Alpha ", tactic: " harden ", parent: "", iri: "", definition: "  Defines.  "),
            Entry(id: "D3-B", name: "Beta", tactic: "DETECT", parent: "d3-a"),
        ],
        links: [Link(attackID: "t1001", countermeasureID: "d3-b", artifacts: [" p ", "", "p", "q"])])

    @Test func normalisesWhatItKeeps() throws {
        let checked = try CheckedCountermeasureSet(Self.good)
        #expect(checked.source == "d3fend" && checked.version == "1.2.0")
        #expect(
            checked.countermeasures == [
                Countermeasure(
                    id: "D3-A", name: "Alpha", tactic: .harden, definition: "Defines.", source: "d3fend",
                    sourceVersion: "1.2.0"),
                Countermeasure(
                    id: "D3-B", name: "Beta", tactic: .detect, parent: "D3-A", source: "d3fend", sourceVersion: "1.2.0"),
            ])
        #expect(
            checked.links == [
                CountermeasureLink(countermeasureID: "D3-B", techniqueID: "T1001", artifacts: ["p", "q"])
            ])
    }

    static let long = String(repeating: "x", count: 201)

    /// Each case breaks one field of `good`; the refusal names it.
    static var breakages: [(field: String, apply: (inout CountermeasureSet) -> Void)] {
        [
            ("source", { $0.source = "D3 FEND" }),
            ("source", { $0.source = "" }),
            ("version", { $0.version = "  " }),
            ("techniques[0].id", { $0.techniques[0].id = "PSA" }),
            ("techniques[0].id", { $0.techniques[0].id = "D3-" }),
            ("techniques[0].id", { $0.techniques[0].id = "D3-ABCDEFGHIJKLMN" }),
            ("techniques[1].id", { $0.techniques[1].id = "D3-A" }),
            ("techniques[0].name", { $0.techniques[0].name = " " }),
            ("techniques[0].name", { $0.techniques[0].name = CheckedCountermeasureSetTests.long }),
            ("techniques[0].tactic", { $0.techniques[0].tactic = "Protect" }),
            ("techniques[1].parent", { $0.techniques[1].parent = "D3-Z" }),
            ("techniques[1].parent", { $0.techniques[1].parent = "D3-B" }),
            ("techniques[1].parent", { $0.techniques[1].parent = "x" }),
            ("techniques[0].iri", { $0.techniques[0].iri = String(repeating: "i", count: 501) }),
            ("techniques[0].definition", { $0.techniques[0].definition = String(repeating: "d", count: 10_001) }),
            ("links[0].attack_id", { $0.links[0].attackID = "TA0002" }),
            ("links[0].countermeasure_id", { $0.links[0].countermeasureID = "D3-Z" }),
            ("links[0].countermeasure_id", { $0.links[0].countermeasureID = "" }),
            ("links[0].artifacts[1]", { $0.links[0].artifacts = ["a", String(repeating: "a", count: 1_001)] }),
        ]
    }

    @Test(arguments: breakages.indices)
    func refusesABadField(_ index: Int) {
        let (field, breakIt) = Self.breakages[index]
        var set = Self.good
        breakIt(&set)
        let error = #expect(throws: AegisError.self) { try CheckedCountermeasureSet(set) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["field"] == .string(field))
    }

    @Test func refusesAbsurdCounts() {
        var many = Self.good
        many.techniques = (0...CheckedCountermeasureSet.maxTechniques).map {
            Entry(id: "D3-X\($0)", name: "x", tactic: "Model")
        }
        let error = #expect(throws: AegisError.self) { try CheckedCountermeasureSet(many) }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.details["field"] == .string("techniques") && error?.details["max_items"] == .int(10_000))
        var links = Self.good
        links.links = Array(repeating: links.links[0], count: CheckedCountermeasureSet.maxLinks + 1)
        #expect(throws: AegisError.self) { try CheckedCountermeasureSet(links) }
        var artifacts = Self.good
        artifacts.links[0].artifacts = Array(repeating: "a", count: 51)
        let tooMany = #expect(throws: AegisError.self) { try CheckedCountermeasureSet(artifacts) }
        #expect(tooMany?.details["field"] == .string("links[0].artifacts"))
    }

    @Test func linksFollowRevocationsAndLeaveOutWhatHasNoSuccessor() throws {
        var set = Self.good
        set.links = ["T1001", "T1002", "T1003", "T1004", "T1005", "T1006", "T1007"].map {
            Link(attackID: $0, countermeasureID: "D3-A")
        }
        let catalog: [String: TechniqueLineage] = [
            "T1001": TechniqueLineage(revoked: false),
            "T1002": TechniqueLineage(revoked: true, revokedBy: "T1001"),
            "T1003": TechniqueLineage(revoked: true),  // successor unknown
            "T1004": TechniqueLineage(revoked: true, revokedBy: "T1005"),  // a loop
            "T1005": TechniqueLineage(revoked: true, revokedBy: "T1004"),
            "T1006": TechniqueLineage(revoked: true, revokedBy: "T1999"),  // not in the catalog
        ]
        let resolved = try CheckedCountermeasureSet(set).resolved(with: catalog)
        #expect(resolved.links == [CountermeasureLink(countermeasureID: "D3-A", techniqueID: "T1001")])
        #expect(resolved.revoked == ["T1002": "T1001", "T1003": "", "T1004": "", "T1005": "", "T1006": ""])
        #expect(resolved.unknown == ["T1007": 1])
    }
}
