import AegisDomain
import Foundation
import Synchronization
import Testing

@testable import AegisStore
import AegisTestSupport

/// What only the PostgreSQL blob store does (the shared contract is in
/// `BlobStoreContractTests`).
@Suite struct PostgresBlobStoreTests {
    static let mib = 1 << 20

    @Test func aBlobIsOneRowAndOneMiBChunks() throws {
        let fixture = try BlobStoreFixture(.postgres)
        let url = try #require(fixture.url)
        let name = BlobTestData.name()
        try fixture.store.put(data: BlobTestData.bytes(5 * Self.mib / 2), sha256: name)
        let sizes = """
            SELECT string_agg(length(data)::text, ',' ORDER BY chunk) FROM blob_chunks WHERE sha256 = '\(name)'
            """
        let connection = try PostgresConnection(url: url)
        #expect(try connection.prepare(sizes).first { $0.text(0) } == "1048576,1048576,524288")
        try fixture.store.remove(sha256: name)
        #expect(try TestStore.integer("SELECT count(*) FROM blob_chunks", at: url) == 0)
        #expect(try TestStore.integer("SELECT count(*) FROM blobs", at: url) == 0)
    }

    @Test func aFailedPutLeavesNothingAndKeepsTheFile() throws {
        let fixture = try BlobStoreFixture(.postgres)
        let url = try #require(fixture.url)
        let name = BlobTestData.name()
        let file = try fixture.file(BlobTestData.bytes(3 * Self.mib))
        // Refuse the third chunk: the whole put rolls back.
        try TestStore.execute("ALTER TABLE blob_chunks ADD CONSTRAINT few CHECK (chunk < 2)", at: url)
        #expect(throws: PostgresError.self) { try fixture.store.put(file: file, sha256: name) }
        #expect(FileManager.default.fileExists(atPath: file.path))
        #expect(try fixture.store.size(sha256: name) == nil)
        #expect(try TestStore.integer("SELECT count(*) FROM blob_chunks", at: url) == 0)
        try TestStore.execute("ALTER TABLE blob_chunks DROP CONSTRAINT few", at: url)
        #expect(try fixture.store.put(file: file, sha256: name))
    }

    @Test func aCopyingPutKeepsTheFile() throws {
        let fixture = try BlobStoreFixture(.postgres)
        let store = try #require(fixture.store as? PostgresBlobStore)
        let name = BlobTestData.name()
        let data = BlobTestData.bytes(3 * Self.mib / 2)
        let file = try fixture.file(data)
        #expect(try store.put(copyOf: file, sha256: name))
        #expect(FileManager.default.contents(atPath: file.path) == data)
        #expect(try store.read(sha256: name, offset: 0, length: data.count) == data)
        #expect(try !store.put(copyOf: file, sha256: name))
        #expect(FileManager.default.fileExists(atPath: file.path))
    }

    @Test func connectionsEndedByTheServerAreReplaced() throws {
        let fixture = try BlobStoreFixture(.postgres)
        let store = try #require(fixture.store as? PostgresBlobStore)
        let name = BlobTestData.name()
        try store.put(data: Data("kept".utf8), sha256: name)
        let pids = store.pool.idleBackendPIDs
        #expect(!pids.isEmpty)
        let admin = try PostgresConnection(url: try TestPostgres.url())
        for pid in pids { try admin.execute("SELECT pg_terminate_backend(\(pid), 5000)") }
        #expect(try store.read(sha256: name, offset: 0, length: 10) == Data("kept".utf8))
        #expect(store.pool.idleBackendPIDs.allSatisfy { !pids.contains($0) })
    }

    @Test func manyThreadsShareAFewConnections() throws {
        let fixture = try BlobStoreFixture(.postgres)
        let store = try #require(fixture.store as? PostgresBlobStore)
        let failures = Mutex(0)
        onThreads(12) { i in
            let name = BlobTestData.name()
            let content = BlobTestData.bytes(1000 + i)
            do {
                try store.put(data: content, sha256: name)
                guard try store.read(sha256: name, offset: 0, length: 5000) == content else {
                    throw CancellationError()
                }
                try store.remove(sha256: name)
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(store.pool.idleBackendPIDs.count <= 4)
    }

    /// Put and read of a 10 MiB blob, reads in 8 MiB pieces as evidence
    /// downloads do. Prints MB/s; run with `AEGIS_BLOB_BENCH=1`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["AEGIS_BLOB_BENCH"] != nil))
    func throughputOfATenMiBBlob() throws {
        let fixture = try BlobStoreFixture(.postgres)
        let content = BlobTestData.bytes(10 * Self.mib)
        var putSeconds: [Double] = []
        var readSeconds: [Double] = []
        for _ in 0..<5 {
            let name = BlobTestData.name()
            let file = try fixture.file(content)
            let start = Date()
            try fixture.store.put(file: file, sha256: name)
            putSeconds.append(Date().timeIntervalSince(start))
            let readStart = Date()
            var offset = 0
            var read = Data()
            while offset < content.count {
                read.append(try fixture.store.read(sha256: name, offset: Int64(offset), length: 8 * Self.mib))
                offset += 8 * Self.mib
            }
            readSeconds.append(Date().timeIntervalSince(readStart))
            #expect(read == content)
        }
        let mb = Double(content.count) / 1e6
        let put = putSeconds.map { Int(mb / $0) }
        let read = readSeconds.map { Int(mb / $0) }
        print("blob bench 10 MiB: put \(put) MB/s, read \(read) MB/s")
    }
}
