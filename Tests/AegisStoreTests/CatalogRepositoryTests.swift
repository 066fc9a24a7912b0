import AegisApp
import AegisDomain
import Foundation
import Testing

@testable import AegisStore
import AegisTestSupport

@Suite struct CatalogRepositoryTests {
    let dir: TemporaryDirectory
    let store: any StoreProvider
    let session: any StoreSession

    init() throws {
        dir = try TemporaryDirectory()
        store = try TestStore.open(try TestStore.freshURL(in: dir.url))
        session = try store.openSession()
    }

    func importFiles(_ files: [UploadedFile]) throws -> [CatalogImportSummary.DomainChanges] {
        let known = try session.read { try $0.catalog.attackIDsByStixID() }
        let bundles = try CatalogImporter(crypto: TestCrypto()).bundles(from: files, knownIDs: known)
        return try session.write { repos in try bundles.map { try repos.catalog.importBundle($0, at: Date()) } }
    }

    @Test func importsTheICSBundleAndAnswersLookups() throws {
        let changes = try importFiles([try TestData.file(TestData.icsBundle)])
        #expect(changes.first?.added == 95)
        let catalog = try session.read { $0.catalog }
        _ = catalog
        let t0803 = try #require(try session.read { try $0.catalog.technique(id: "T0803") })
        #expect(t0803.name == "Block Command Message")
        #expect(t0803.domains == ["ics-attack"])
        #expect(t0803.tactics == ["inhibit-response-function"])
        let tactics = try session.read { try $0.catalog.tactics(domain: "ics-attack") }
        #expect(tactics.count == 12)
        #expect(tactics.map(\.order) == Array(1...12))
        let status = try session.read { try $0.catalog.status() }
        #expect(status.domains.map(\.domain) == ["ics-attack"])
        #expect(status.domains.first?.counts.techniques == 95)
        #expect(status.versionSummary == "ics-attack 18.1")
    }

    @Test func reimportingIsIdempotent() throws {
        _ = try importFiles([try TestData.file(TestData.icsBundle)])
        let first = try snapshot()
        let again = try importFiles([try TestData.file(TestData.icsBundle)])
        #expect(again.first?.added == 0)
        #expect(again.first?.updated == 0)
        #expect(again.first?.unchanged == 95)
        #expect(try snapshot() == first)
    }

    @Test func listsFilterAndPaginate() throws {
        _ = try importFiles(try TestData.lookupFiles())
        func list(_ q: TechniqueQuery) throws -> Page<Technique> { try session.read { try $0.catalog.techniques(matching: q) } }

        // Walk every page: each technique once, in id order, revoked hidden.
        var seen: [String] = []
        var page = PageRequest(limit: 97)
        while true {
            let result = try list(TechniqueQuery(page: page))
            seen += result.items.map(\.id)
            guard let next = result.nextKey else { break }
            page.after = next
        }
        #expect(seen == seen.sorted())
        #expect(Set(seen).count == seen.count)
        #expect(seen.count == 835 - 132 - 12 + (try revokedAndDeprecatedOverlap()))
        #expect(!seen.contains("T1002"))  // revoked

        let execution = try list(TechniqueQuery(tacticShortname: "execution", page: PageRequest(limit: 1000)))
        #expect(execution.items.allSatisfy { $0.tactics.contains("execution") })
        #expect(execution.items.contains { $0.id == "T1059.001" })

        let linux = try list(TechniqueQuery(platform: "LINUX", page: PageRequest(limit: 1000)))
        #expect(!linux.items.isEmpty)
        #expect(linux.items.allSatisfy { $0.platforms.contains("Linux") })

        let text = try list(TechniqueQuery(text: "powershell", page: PageRequest(limit: 1000)))
        #expect(text.items.map(\.id).contains("T1059.001"))
        let byID = try list(TechniqueQuery(text: "t1059.00", page: PageRequest(limit: 1000)))
        #expect(byID.items.allSatisfy { $0.id.hasPrefix("T1059.00") })

        let parents = try list(TechniqueQuery(includeSubtechniques: false, page: PageRequest(limit: 1000)))
        #expect(parents.items.allSatisfy { !$0.isSubtechnique })

        let withRevoked = try list(TechniqueQuery(text: "T1002", includeRevoked: true, page: PageRequest(limit: 10)))
        #expect(withRevoked.items.first?.revoked == true)

        // LIKE wildcards in the query are literal.
        #expect(try list(TechniqueQuery(text: "%", page: PageRequest(limit: 10))).items.isEmpty)
    }

    private func revokedAndDeprecatedOverlap() throws -> Int {
        try session.read { repos in
            try repos.catalog.techniques(matching: TechniqueQuery(includeRevoked: true, page: PageRequest(limit: 1000)))
        }.items.filter { $0.revoked && $0.deprecated }.count
    }

    @Test func groupsInSeveralDomainsCollectEveryDomainsTechniques() throws {
        _ = try importFiles([try TestData.file(TestData.icsBundle)])
        _ = try importFiles(try TestData.lookupFiles())
        let dragonfly = try #require(try session.read { try $0.catalog.actor(id: "G0035") })
        #expect(dragonfly.domains == ["enterprise-attack", "ics-attack"])
        #expect(dragonfly.techniqueIDs.contains { $0.hasPrefix("T0") })
        #expect(dragonfly.techniqueIDs.contains { $0.hasPrefix("T1") })
        // Re-importing one domain keeps the other's links.
        _ = try importFiles([try TestData.file(TestData.icsBundle)])
        let again = try #require(try session.read { try $0.catalog.actor(id: "G0035") })
        #expect(again.techniqueIDs == dragonfly.techniqueIDs)
        let found = try session.read {
            try $0.catalog.actors(matching: ActorQuery(text: "berserk", page: PageRequest(limit: 10)))
        }
        #expect(found.items.map(\.id) == ["G0035"])
    }

    @Test func aNewerImportRecordsRevocations() throws {
        _ = try importFiles([synthetic(version: "1.0", revoked: false)])
        let before = try #require(try session.read { try $0.catalog.technique(id: "T9001") })
        #expect(!before.revoked)
        let changes = try importFiles([synthetic(version: "2.0", revoked: true)])
        #expect(changes.first?.revoked == ["T9001": "T9002"])
        let after = try #require(try session.read { try $0.catalog.technique(id: "T9001") })
        #expect(after.revoked)
        #expect(after.revokedBy == "T9002")
        let status = try session.read { try $0.catalog.status() }
        #expect(status.domains.first?.version == "2.0")
    }

    @Test func aSuccessorFromAnEarlierImportIsFound() throws {
        _ = try importFiles([synthetic(version: "1.0", revoked: false)])
        // Version 2 holds only the revoked technique and the relationship.
        let json = """
            {"type": "bundle", "id": "bundle--test2", "objects": [
              {"type": "x-mitre-collection", "id": "x-mitre-collection--t", "name": "Test ATT&CK", "x_mitre_version": "2.0"},
              {"type": "attack-pattern", "id": "attack-pattern--1", "name": "Old Way", "revoked": true,
               "x_mitre_domains": ["test-attack"],
               "external_references": [{"source_name": "mitre-attack", "external_id": "T9001"}]},
              {"type": "relationship", "id": "relationship--r1", "relationship_type": "revoked-by",
               "source_ref": "attack-pattern--1", "target_ref": "attack-pattern--2"}
            ]}
            """
        let changes = try importFiles([UploadedFile(name: "v2.json", content: Data(json.utf8))])
        #expect(changes.first?.revoked == ["T9001": "T9002"])
        #expect(try session.read { try $0.catalog.technique(id: "T9001") }?.revokedBy == "T9002")
    }

    @Test func aFailedImportChangesNothing() throws {
        _ = try importFiles([try TestData.file(TestData.icsBundle)])
        let before = try snapshot()
        struct Abort: Error {}
        let bundle = try CatalogImporter(crypto: TestCrypto()).bundles(from: [synthetic(version: "9", revoked: true)])[0]
        #expect(throws: Abort.self) {
            try session.write { repos in
                _ = try repos.catalog.importBundle(bundle, at: Date())
                throw Abort()
            }
        }
        #expect(try snapshot() == before)
        #expect(try session.read { try $0.catalog.technique(id: "T9001") } == nil)
    }

    /// Everything the catalog reads back, for before/after comparisons.
    private func snapshot() throws -> [String] {
        try session.read { repos in
            let techniques = try repos.catalog.techniques(
                matching: TechniqueQuery(includeRevoked: true, page: PageRequest(limit: 1000))
            ).items.map { "\($0)" }
            let actors = try repos.catalog.actors(matching: ActorQuery(includeRevoked: true, page: PageRequest(limit: 1000)))
                .items.map { "\($0)" }
            let tactics = try repos.catalog.tactics(domain: nil).map { "\($0)" }
            let status = try repos.catalog.status().domains.map { "\($0.domain) \($0.version) \($0.counts)" }
            return techniques + actors + tactics + status
        }
    }

    /// A tiny STIX bundle in which T9001 is (optionally) revoked by T9002.
    private func synthetic(version: String, revoked: Bool) -> UploadedFile {
        let revocation = revoked
            ? """
              ,{"type": "relationship", "id": "relationship--r1", "relationship_type": "revoked-by",
                "source_ref": "attack-pattern--1", "target_ref": "attack-pattern--2"}
              """ : ""
        let json = """
            {"type": "bundle", "id": "bundle--test", "objects": [
              {"type": "x-mitre-collection", "id": "x-mitre-collection--t", "name": "Test ATT&CK", "x_mitre_version": "\(version)"},
              {"type": "x-mitre-matrix", "id": "x-mitre-matrix--t", "name": "Test", "tactic_refs": ["x-mitre-tactic--1"],
               "x_mitre_domains": ["test-attack"]},
              {"type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "name": "Execution", "x_mitre_shortname": "execution",
               "external_references": [{"source_name": "mitre-attack", "external_id": "TA9001"}]},
              {"type": "attack-pattern", "id": "attack-pattern--1", "name": "Old Way", "revoked": \(revoked),
               "x_mitre_domains": ["test-attack"], "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
               "external_references": [{"source_name": "mitre-attack", "external_id": "T9001"}]},
              {"type": "attack-pattern", "id": "attack-pattern--2", "name": "New Way",
               "x_mitre_domains": ["test-attack"], "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
               "external_references": [{"source_name": "mitre-attack", "external_id": "T9002"}]}
              \(revocation)
            ]}
            """
        return UploadedFile(name: "test-\(version).json", content: Data(json.utf8))
    }
}
