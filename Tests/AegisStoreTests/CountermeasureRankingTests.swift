import AegisApp
import AegisDomain
import AegisTestSupport
import Foundation
import Testing

@testable import AegisStore

/// `report.countermeasures`' ranking on a small hand-built case, on both
/// stores: which techniques are gaps, and which countermeasures close most.
@Suite struct CountermeasureRankingTests {
    let dir: TemporaryDirectory
    let url: String
    let store: any StoreProvider
    let session: any StoreSession

    /// The ICS catalog; statuses set directly; four countermeasures.
    init() throws {
        dir = try TemporaryDirectory()
        url = try TestStore.freshURL(in: dir.url)
        store = try TestStore.open(url)
        session = try store.openSession()
        let known = try session.read { try $0.catalog.attackIDsByStixID() }
        let bundles = try CatalogImporter(crypto: TestCrypto()).bundles(
            from: [try TestData.file(TestData.icsBundle)], knownIDs: known)
        _ = try session.write { repos in try bundles.map { try repos.catalog.importBundle($0, at: Date()) } }
        let statuses: [String: TechniqueStatus] = [
            "T0803": .missed, "T0800": .logged, "T0801": .detected, "T0802": .partial, "T0852": .detected,
            "T0817": .missed, "T0865": .logged, "T0806": .prevented,
        ]
        let links = [
            "D3-A": ["T0803", "T0800", "T0801", "T0817", "T0852"],
            "D3-B": ["T0803", "T0859", "T0865", "T0817"],
            "D3-C": ["T0801", "T0852"],
            "D3-D": ["T0800", "T0803", "T0802", "T0806"],
        ]
        let tactics: [String: DefensiveTactic] = ["D3-A": .detect, "D3-B": .harden, "D3-C": .isolate, "D3-D": .detect]
        try session.write { repos in
            for (technique, status) in statuses {
                try repos.tests.setStatus(status, techniqueID: technique, at: Date())
            }
            let countermeasures = links.keys.sorted().map {
                Countermeasure(
                    id: $0, name: "Name of \($0)", tactic: tactics[$0] ?? .model, source: "test", sourceVersion: "1")
            }
            let all = links.flatMap { c, ts in ts.map { CountermeasureLink(countermeasureID: c, techniqueID: $0) } }
            let changes = CountermeasureChanges(
                from: StoredCountermeasures(version: nil, countermeasures: [], links: []), to: countermeasures,
                links: all, version: "1")
            try repos.countermeasures.apply(changes, links: all, source: "test", version: "1", at: Date(), by: nil)
        }
    }

    func rank(_ query: CountermeasureRankingQuery) throws -> CountermeasureRanking {
        try session.read { try $0.reports.countermeasureRanking(query) }
    }

    func summary(_ r: CountermeasureRanking) -> [String] {
        r.items.map { "\($0.countermeasure.id) \($0.gaps) \($0.techniques.joined(separator: ","))" }
    }

    /// Gaps: missed or logged (partial, detected and prevented are not).
    @Test func ranksByTheMissedAndLoggedTechniquesEachAddresses() throws {
        let all = try rank(CountermeasureRankingQuery(domain: "ics-attack"))
        #expect(all.gapTechniques == 4 && all.addressed == 4)
        #expect(summary(all) == ["D3-A 3 T0800,T0803,T0817", "D3-B 3 T0803,T0817,T0865", "D3-D 2 T0800,T0803"])
        #expect(all.items.first?.countermeasure == CountermeasureRef(id: "D3-A", name: "Name of D3-A", tactic: .detect))

        let harden = try rank(CountermeasureRankingQuery(domain: "ics-attack", tactic: .harden))
        #expect(summary(harden) == ["D3-B 3 T0803,T0817,T0865"])
        #expect(harden.gapTechniques == 4 && harden.addressed == 3)
        let isolate = try rank(CountermeasureRankingQuery(domain: "ics-attack", tactic: .isolate))
        #expect(isolate.items.isEmpty && isolate.addressed == 0 && isolate.gapTechniques == 4)
        #expect(
            summary(try rank(CountermeasureRankingQuery(domain: "ics-attack", limit: 1))) == [
                "D3-A 3 T0800,T0803,T0817"
            ])
        let enterprise = try rank(CountermeasureRankingQuery(domain: "enterprise-attack"))
        #expect(enterprise.gapTechniques == 0 && enterprise.items.isEmpty)
    }

    /// With an actor (G1000 uses T0817, T0852, T0859 and T0865): its
    /// techniques that are missed, logged or untested.
    @Test func anActorsGapsIncludeWhatIsUntested() throws {
        let actor = try rank(CountermeasureRankingQuery(domain: "ics-attack", actorID: "G1000"))
        #expect(actor.actorID == "G1000" && actor.gapTechniques == 3 && actor.addressed == 3)
        #expect(summary(actor) == ["D3-B 3 T0817,T0859,T0865", "D3-A 1 T0817"])
        // A deprecated technique nobody tested is no gap.
        try TestStore.execute("UPDATE techniques SET deprecated = 1 WHERE id = 'T0859'", at: url)
        let deprecated = try rank(CountermeasureRankingQuery(domain: "ics-attack", actorID: "G1000"))
        #expect(deprecated.gapTechniques == 2)
        #expect(summary(deprecated) == ["D3-B 2 T0817,T0865", "D3-A 1 T0817"])
        #expect(try rank(CountermeasureRankingQuery(domain: "enterprise-attack", actorID: "G1000")).gapTechniques == 0)
    }
}
