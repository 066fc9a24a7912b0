import AegisApp
import AegisD3FEND
import AegisDomain
import AegisStore
import AegisTestSupport
import Foundation
import Testing

/// The whole of D3FEND's data, built into params by this library, synced
/// into a store holding ATT&CK Enterprise v18.1 (the store the tests run
/// on: SQLite, or PostgreSQL in the second pass).
@Suite struct D3FENDStoreSyncTests {
    @Test func theRealDataSyncsAgainstTheEnterpriseCatalog() throws {
        let dir = try TemporaryDirectory()
        let store = try TestStore.open(try TestStore.freshURL(in: dir.url))
        defer { store.close() }
        let session = try store.openSession()
        let known = try session.read { try $0.catalog.attackIDsByStixID() }
        let bundles = try CatalogImporter(crypto: TestCrypto()).bundles(
            from: try TestData.lookupFiles(), knownIDs: known)
        _ = try session.write { repos in try bundles.map { try repos.catalog.importBundle($0, at: Date()) } }
        let env = AppEnvironment(
            clock: SystemClock(), crypto: TestCrypto(),
            uploads: try FileUploadStaging(root: dir.url.appendingPathComponent("uploads")),
            blobs: try FileBlobStore(root: dir.url.appendingPathComponent("blobs")), instanceID: "test", version: "0",
            startedAt: Date(), storeKind: store.kind)
        let plugin = Principal(kind: .plugin, id: "d3fend", name: "d3fend", roles: [.admin])
        let service = CountermeasureService(
            env: env, context: CallContext(requestID: "r", principal: plugin, peer: nil, session: session))

        let params = D3FENDSync.params(
            version: "1.2.0", techniques: try D3FENDCSVTests.techniques(), mappings: try D3FENDCSVTests.mappings()
        ).set
        let result = try service.sync(params)
        #expect(result.added == 249 && result.countermeasures == 249 && result.changed)
        // D3FEND 1.2.0 references ATT&CK 17.0: every id is in v18.1, four of them revoked since.
        #expect(result.unknownLinks == 0)
        #expect(
            result.revoked == [
                "T1053.001": "T1053.002", "T1142": "T1555.001", "T1547.011": "T1647", "T1574.002": "T1574.001",
            ])
        #expect(result.links == 4_890)  // 4,917 pairs, 27 of them merged onto a successor's

        let da = try #require(try session.read { try $0.countermeasures.countermeasure(id: "D3-DA") })
        #expect(da.countermeasure.name == "Dynamic Analysis" && da.countermeasure.tactic == .detect)
        #expect(da.countermeasure.iri == "http://d3fend.mitre.org/ontologies/d3fend.owl#DynamicAnalysis")
        #expect(
            da.techniques.contains {
                $0.id == "T1059.001" && $0.name == "PowerShell"
                    && $0.artifacts == ["executes:ExecutableScript<analyzes:ExecutableFile"]
            })
        // D3FEND's links already carry the parent's: T1059.001 and T1059 share their 15.
        let powershell = try session.read { try $0.countermeasures.countermeasures(addressing: "T1059.001") }
        let interpreter = try session.read { try $0.countermeasures.countermeasures(addressing: "T1059") }
        #expect(powershell.count == 15 && powershell == interpreter)

        let again = try service.sync(params)
        #expect(!again.changed && again.unchanged == 249 && again.links == result.links)
    }
}
