import AegisApp
import AegisDomain
import AegisTestSupport
import Foundation
import Synchronization
import Testing

@testable import AegisStore

/// `countermeasure.sync` and the reads behind `countermeasure.*` on both
/// stores: a sync replaces one source's set whole, a repeat writes nothing,
/// revoked techniques follow their successor, unknown ones stay out.
@Suite struct CountermeasureRepositoryTests {
    let dir: TemporaryDirectory
    let store: any StoreProvider
    let session: any StoreSession
    let service: CountermeasureService

    init() throws {
        dir = try TemporaryDirectory()
        store = try TestStore.open(try TestStore.freshURL(in: dir.url))
        session = try store.openSession()
        let env = AppEnvironment(
            clock: SystemClock(), crypto: TestCrypto(),
            uploads: try FileUploadStaging(root: dir.url.appendingPathComponent("uploads")),
            blobs: try FileBlobStore(root: dir.url.appendingPathComponent("blobs")), instanceID: "test", version: "0",
            startedAt: Date(), storeKind: store.kind)
        let admin = Principal(kind: .apiKey, id: "key_admin", name: "admin", roles: [.admin])
        service = CountermeasureService(
            env: env, context: CallContext(requestID: "r", principal: admin, peer: nil, session: session))
    }

    func importCatalog(_ files: [UploadedFile]) throws {
        let known = try session.read { try $0.catalog.attackIDsByStixID() }
        let bundles = try CatalogImporter(crypto: TestCrypto()).bundles(from: files, knownIDs: known)
        _ = try session.write { repos in try bundles.map { try repos.catalog.importBundle($0, at: Date()) } }
    }

    typealias Entry = CountermeasureSet.Entry
    typealias Link = CountermeasureSet.Link

    /// Two countermeasures on ICS techniques, a link named twice and one to
    /// a technique no catalog has.
    static let first = CountermeasureSet(
        source: "d3fend", version: "1.2.0",
        techniques: [
            Entry(id: "d3-na", name: "Network Analysis", tactic: "detect", definition: "Watching traffic, closely."),
            Entry(id: "D3-NTF", name: "Network Traffic Filtering", tactic: "Isolate", parent: "D3-NA", iri: "x#NTF"),
        ],
        links: [
            Link(attackID: "T0803", countermeasureID: "D3-NA", artifacts: ["sends:Message<analyzes:NetworkTraffic"]),
            Link(
                attackID: "t0803", countermeasureID: "D3-NA",
                artifacts: ["sends:Message<analyzes:NetworkTraffic", "b:Y<c:Z"]),
            Link(attackID: "T0803", countermeasureID: "D3-NTF"),
            Link(attackID: "T0800", countermeasureID: "D3-NA"),
            Link(attackID: "T9999", countermeasureID: "D3-NTF"),
        ])

    var lastSeq: Int64 { get throws { try session.read { try $0.events.lastSeq() } } }

    func audits() throws -> [AuditEntry] {
        try session.read { try $0.audit.entries(matching: AuditQuery(entityKind: "countermeasure_source")).items }
    }

    @Test func aSyncReplacesTheSourceWholeAndARepeatWritesNothing() throws {
        try importCatalog([try TestData.file(TestData.icsBundle)])
        let before = try lastSeq
        let synced = try service.sync(Self.first)
        #expect(synced.added == 2 && synced.updated == 0 && synced.removed == 0 && synced.changed)
        #expect(synced.countermeasures == 2 && synced.links == 3 && synced.linksAdded == 3)
        #expect(synced.unknownTechniques == [TechniqueIDCount(id: "T9999", count: 1)] && synced.unknownLinks == 1)
        #expect(synced.revoked.isEmpty)
        #expect(try lastSeq == before + 1)
        let audit = try #require(try audits().first)
        #expect(
            audit.action == "countermeasure.sync" && audit.entityID == "d3fend" && audit.actor == "api_key:key_admin")
        #expect(
            audit.changes["added"] == .int(2) && audit.changes["links"] == .int(3)
                && audit.changes["unknown_links"] == .int(1))

        let stored = try session.read { try $0.countermeasures.stored(source: "d3fend") }
        #expect(stored.version == "1.2.0")
        #expect(
            stored.countermeasures == [
                Countermeasure(
                    id: "D3-NA", name: "Network Analysis", tactic: .detect, definition: "Watching traffic, closely.",
                    source: "d3fend", sourceVersion: "1.2.0"),
                Countermeasure(
                    id: "D3-NTF", name: "Network Traffic Filtering", tactic: .isolate, parent: "D3-NA", iri: "x#NTF",
                    source: "d3fend", sourceVersion: "1.2.0"),
            ])
        // The link named twice is one, with both paths.
        let na = try #require(try session.read { try $0.countermeasures.countermeasure(id: "D3-NA") })
        #expect(
            na.techniques == [
                AddressedTechnique(id: "T0800", name: "Activate Firmware Update Mode", artifacts: []),
                AddressedTechnique(
                    id: "T0803", name: "Block Command Message",
                    artifacts: ["sends:Message<analyzes:NetworkTraffic", "b:Y<c:Z"]),
            ])

        // The same set again: the same counts, nothing written.
        let again = try service.sync(Self.first)
        #expect(!again.changed && again.added == 0 && again.unchanged == 2 && again.links == 3)
        #expect(again.unknownLinks == 1)
        #expect(try lastSeq == before + 1)
        #expect(try audits().count == 1)

        // A new release: one renamed, one gone, one new; links follow.
        let second = CountermeasureSet(
            source: "d3fend", version: "1.3.0",
            techniques: [
                Entry(
                    id: "D3-NA", name: "Network Traffic Analysis", tactic: "Detect",
                    definition: "Watching traffic, closely."),
                Entry(id: "D3-PH", name: "Platform Hardening", tactic: "Harden"),
            ],
            links: [Link(attackID: "T0803", countermeasureID: "D3-PH")])
        let replaced = try service.sync(second)
        #expect(replaced.added == 1 && replaced.updated == 1 && replaced.removed == 1 && replaced.unchanged == 0)
        #expect(replaced.links == 1 && replaced.linksAdded == 1 && replaced.linksRemoved == 3)
        let now = try session.read { try $0.countermeasures.stored(source: "d3fend") }
        #expect(now.version == "1.3.0" && now.countermeasures.map(\.id) == ["D3-NA", "D3-PH"])
        #expect(now.countermeasures.allSatisfy { $0.sourceVersion == "1.3.0" })
        #expect(now.links == [CountermeasureLink(countermeasureID: "D3-PH", techniqueID: "T0803")])
        #expect(try session.read { try $0.countermeasures.countermeasure(id: "D3-NTF") } == nil)
        #expect(try session.read { try $0.countermeasures.countermeasures(addressing: "T0803") }.map(\.id) == ["D3-PH"])

        // Only the version changes: announced, nothing else counted.
        let bumped = try service.sync(
            CountermeasureSet(source: "d3fend", version: "1.3.1", techniques: second.techniques, links: second.links))
        #expect(
            bumped.changed && bumped.added == 0 && bumped.updated == 0 && bumped.removed == 0 && bumped.linksAdded == 0)
        #expect(try session.read { try $0.countermeasures.stored(source: "d3fend") }.version == "1.3.1")
        #expect(try lastSeq == before + 3)

        // An empty set withdraws the source's countermeasures.
        let emptied = try service.sync(CountermeasureSet(source: "d3fend", version: "1.3.1", techniques: [], links: []))
        #expect(emptied.removed == 2 && emptied.countermeasures == 0 && emptied.links == 0)
        #expect(
            try session.read { try $0.countermeasures.countermeasures(matching: CountermeasureQuery()) }.items.isEmpty)
    }

    @Test func refusedSyncsLeaveNoTrace() throws {
        try importCatalog([try TestData.file(TestData.icsBundle)])
        _ = try service.sync(Self.first)
        let before = try lastSeq
        let stored = try session.read { try $0.countermeasures.stored(source: "d3fend") }
        func refusal(_ set: CountermeasureSet) -> AegisError? {
            do {
                _ = try service.sync(set)
                return nil
            } catch let error as AegisError { return error } catch { return nil }
        }
        // Another source may not take a countermeasure this one holds.
        let taken = refusal(
            CountermeasureSet(
                source: "other", version: "1",
                techniques: [
                    Entry(id: "D3-X", name: "X", tactic: "Model"), Entry(id: "D3-NTF", name: "Y", tactic: "Model"),
                ],
                links: []))
        #expect(taken?.code == .failedPrecondition)
        #expect(taken?.details["field"] == .string("techniques[1].id") && taken?.details["source"] == .string("d3fend"))
        var bad = Self.first
        bad.links.append(Link(attackID: "T0803", countermeasureID: "D3-NOPE"))
        #expect(refusal(bad)?.details["field"] == .string("links[5].countermeasure_id"))
        #expect(try lastSeq == before)
        #expect(try session.read { try $0.countermeasures.stored(source: "d3fend") } == stored)
        #expect(try session.read { try $0.countermeasures.stored(source: "other") }.version == nil)
    }

    /// Two sources claiming one id at once: syncs take turns, so exactly
    /// one holds it and the other is refused.
    @Test func concurrentSyncsNeverShareACountermeasure() throws {
        try importCatalog([try TestData.file(TestData.icsBundle)])
        let outcomes = Mutex<[String]>([])
        let env = service.env
        let store = self.store
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let set = CountermeasureSet(
                source: "source\(i)", version: "1", techniques: [Entry(id: "D3-X", name: "X\(i)", tactic: "Model")],
                links: [Link(attackID: "T0803", countermeasureID: "D3-X")])
            do {
                let context = CallContext(
                    requestID: "r\(i)", principal: nil, peer: nil, session: try store.openSession())
                _ = try CountermeasureService(env: env, context: context).sync(set)
                outcomes.withLock { $0.append("synced") }
            } catch let error as AegisError {
                outcomes.withLock { $0.append(error.code.rawValue) }
            } catch {
                outcomes.withLock { $0.append("\(error)") }
            }
        }
        #expect(outcomes.withLock { $0.sorted() } == ["FAILED_PRECONDITION", "synced"])
        let held = try session.read { try $0.countermeasures.countermeasure(id: "D3-X") }
        #expect(held?.countermeasure.name == (held?.countermeasure.source == "source0" ? "X0" : "X1"))
        #expect(held?.techniques.map(\.id) == ["T0803"])
    }

    @Test func revokedTechniquesFollowTheirSuccessor() throws {
        try importCatalog(try TestData.lookupFiles())
        let lineage = try session.read { try $0.countermeasures.techniqueLineage() }
        #expect(lineage["T1053.001"] == TechniqueLineage(revoked: true, revokedBy: "T1053.002"))
        #expect(lineage["T1059.001"] == TechniqueLineage(revoked: false))
        let result = try service.sync(
            CountermeasureSet(
                source: "d3fend", version: "1.2.0",
                techniques: [Entry(id: "D3-PSA", name: "Process Spawn Analysis", tactic: "Detect")],
                links: [
                    Link(attackID: "T1053.001", countermeasureID: "D3-PSA", artifacts: ["a"]),
                    // T1150 was revoked by T1547.011, itself revoked by T1647.
                    Link(attackID: "T1150", countermeasureID: "D3-PSA", artifacts: ["b"]),
                    Link(attackID: "T1647", countermeasureID: "D3-PSA", artifacts: ["c"]),
                    Link(attackID: "T1059.001", countermeasureID: "D3-PSA"),
                    Link(attackID: "T0000", countermeasureID: "D3-PSA"),
                    Link(attackID: "T0000", countermeasureID: "D3-PSA"),
                ]))
        #expect(result.revoked == ["T1053.001": "T1053.002", "T1150": "T1647"])
        #expect(result.unknownTechniques == [TechniqueIDCount(id: "T0000", count: 2)] && result.unknownLinks == 2)
        let stored = try session.read { try $0.countermeasures.stored(source: "d3fend") }.links
        #expect(stored.map(\.techniqueID) == ["T1053.002", "T1059.001", "T1647"])
        #expect(stored.last?.artifacts == ["b", "c"])
        #expect(try session.read { try $0.countermeasures.countermeasures(addressing: "T1150") }.isEmpty)
    }

    @Test func listsFilterAndPage() throws {
        try importCatalog([try TestData.file(TestData.icsBundle)])
        _ = try service.sync(Self.first)
        _ = try service.sync(
            CountermeasureSet(
                source: "lab", version: "7",
                techniques: [Entry(id: "D3-LAB1", name: "Lab traffic watch", tactic: "Detect")],
                links: [Link(attackID: "T0803", countermeasureID: "D3-LAB1")]))
        func list(_ query: CountermeasureQuery) throws -> Page<Countermeasure> {
            try session.read { try $0.countermeasures.countermeasures(matching: query) }
        }
        var seen: [String] = []
        var page = PageRequest(limit: 1)
        while true {
            let result = try list(CountermeasureQuery(page: page))
            seen += result.items.map(\.id)
            guard let next = result.nextKey else { break }
            page.after = next
        }
        #expect(seen == ["D3-LAB1", "D3-NA", "D3-NTF"])
        #expect(try list(CountermeasureQuery(tactic: .detect)).items.map(\.id) == ["D3-LAB1", "D3-NA"])
        #expect(try list(CountermeasureQuery(techniqueID: "T0800")).items.map(\.id) == ["D3-NA"])
        #expect(try list(CountermeasureQuery(text: "TRAFFIC")).items.map(\.id) == ["D3-LAB1", "D3-NTF"])
        #expect(try list(CountermeasureQuery(text: "ntf")).items.map(\.id) == ["D3-NTF"])
        #expect(try list(CountermeasureQuery(text: "%")).items.isEmpty)
        #expect(try list(CountermeasureQuery(tactic: .detect)).items.first?.sourceVersion == "7")
        let addressing = try session.read { try $0.countermeasures.countermeasures(addressing: "T0803") }
        #expect(
            addressing == [
                CountermeasureRef(id: "D3-LAB1", name: "Lab traffic watch", tactic: .detect),
                CountermeasureRef(id: "D3-NA", name: "Network Analysis", tactic: .detect),
                CountermeasureRef(id: "D3-NTF", name: "Network Traffic Filtering", tactic: .isolate),
            ])
        let ids = try session.read {
            try $0.countermeasures.countermeasureIDs(addressing: ["T0803", "T0800", "T0801"])
        }
        #expect(ids == ["T0803": ["D3-LAB1", "D3-NA", "D3-NTF"], "T0800": ["D3-NA"]])
    }
}
