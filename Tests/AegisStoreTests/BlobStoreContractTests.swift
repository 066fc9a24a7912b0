import AegisDomain
import Foundation
import Synchronization
import Testing

@testable import AegisStore
import AegisTestSupport

/// What every `BlobStore` does, run against files and PostgreSQL alike, so
/// the two are interchangeable.
@Suite struct BlobStoreContractTests {
    static let mib = 1 << 20

    @Test(arguments: BlobStoreKind.allCases)
    func aMultiChunkBlobRoundTripsAtAnyOffset(kind: BlobStoreKind) throws {
        let fixture = try BlobStoreFixture(kind)
        let content = BlobTestData.bytes(5 * Self.mib / 2)
        let name = BlobTestData.name()
        let file = try fixture.file(content)
        #expect(try fixture.store.put(file: file, sha256: name))
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(try fixture.store.size(sha256: name) == Int64(content.count))
        let n = content.count
        let ranges: [(Int, Int)] = [
            (0, 10), (Self.mib - 5, 10), (Self.mib, 1), (Self.mib - 1, Self.mib + 2), (0, n), (7, n),
            (n - 3, 100), (n, 10), (n + 100, 10), (Self.mib, 0), (2 * Self.mib + 17, Int.max),
        ]
        for (offset, length) in ranges {
            let expected = content.subdata(in: min(offset, n)..<min(n, offset + min(length, n)))
            let data = try fixture.store.read(sha256: name, offset: Int64(offset), length: length)
            #expect(data == expected, "read(\(offset), \(length))")
        }
    }

    @Test(arguments: BlobStoreKind.allCases)
    func emptyAndSmallBlobsFromData(kind: BlobStoreKind) throws {
        let fixture = try BlobStoreFixture(kind)
        let empty = BlobTestData.name()
        try fixture.store.put(data: Data(), sha256: empty)
        #expect(try fixture.store.size(sha256: empty) == 0)
        #expect(try fixture.store.read(sha256: empty, offset: 0, length: 10) == Data())
        let small = BlobTestData.name()
        try fixture.store.put(data: Data("hello".utf8), sha256: small)
        try fixture.store.put(data: Data("ignored".utf8), sha256: small)
        #expect(try fixture.store.read(sha256: small, offset: 1, length: 3) == Data("ell".utf8))
    }

    @Test(arguments: BlobStoreKind.allCases)
    func puttingAStoredBlobAgainKeepsItAndDeletesTheFile(kind: BlobStoreKind) throws {
        let fixture = try BlobStoreFixture(kind)
        let name = BlobTestData.name()
        let content = BlobTestData.bytes(1000)
        try fixture.store.put(data: content, sha256: name)
        let again = try fixture.file(content)
        #expect(try fixture.store.put(file: again, sha256: name) == false)
        #expect(!FileManager.default.fileExists(atPath: again.path))
        #expect(try fixture.store.read(sha256: name, offset: 0, length: 2000) == content)
    }

    @Test(arguments: BlobStoreKind.allCases)
    func missingAndRemovedBlobs(kind: BlobStoreKind) throws {
        let fixture = try BlobStoreFixture(kind)
        let name = BlobTestData.name()
        #expect(try fixture.store.size(sha256: name) == nil)
        try fixture.store.remove(sha256: name)  // nothing to remove: fine
        let missing = #expect(throws: AegisError.self) { try fixture.store.read(sha256: name, offset: 0, length: 1) }
        #expect(missing?.code == .notFound)
        try fixture.store.put(data: BlobTestData.bytes(3 * Self.mib / 2), sha256: name)
        try fixture.store.remove(sha256: name)
        #expect(try fixture.store.size(sha256: name) == nil)
        let removed = #expect(throws: AegisError.self) { try fixture.store.read(sha256: name, offset: 0, length: 1) }
        #expect(removed?.code == .notFound)
        // Stored again after the removal.
        try fixture.store.put(data: Data("back".utf8), sha256: name)
        #expect(try fixture.store.read(sha256: name, offset: 0, length: 10) == Data("back".utf8))
    }

    @Test(arguments: BlobStoreKind.allCases)
    func invalidNamesAndRangesAreRefused(kind: BlobStoreKind) throws {
        let fixture = try BlobStoreFixture(kind)
        let valid = BlobTestData.name()
        let invalid = [
            "", "abc", valid.uppercased(), String(valid.dropLast()), valid + "0", "../" + valid.dropFirst(3),
        ]
        for name in invalid {
            let file = try fixture.file(Data("x".utf8))
            let calls: [() throws -> Void] = [
                { _ = try fixture.store.put(file: file, sha256: name) },
                { try fixture.store.put(data: Data("x".utf8), sha256: name) },
                { _ = try fixture.store.size(sha256: name) },
                { _ = try fixture.store.read(sha256: name, offset: 0, length: 1) },
                { try fixture.store.remove(sha256: name) },
            ]
            for call in calls {
                let error = #expect(throws: AegisError.self) { try call() }
                #expect(error?.code == .invalidArgument)
                #expect(error?.details["field"] == "sha256")
            }
            #expect(FileManager.default.fileExists(atPath: file.path))
        }
        try fixture.store.put(data: Data("x".utf8), sha256: valid)
        for (offset, length) in [(-1, 1), (0, -1)] {
            let error = #expect(throws: AegisError.self) {
                try fixture.store.read(sha256: valid, offset: Int64(offset), length: length)
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test(arguments: BlobStoreKind.allCases)
    func concurrentPutsOfOneContentStoreItOnce(kind: BlobStoreKind) throws {
        let fixture = try BlobStoreFixture(kind)
        let content = BlobTestData.bytes(3 * Self.mib + 5)
        let name = BlobTestData.name()
        let files = try (0..<8).map { _ in try fixture.file(content) }
        let outcomes = Mutex<[Result<Bool, any Error>]>([])
        let store = fixture.store
        onThreads(files.count) { i in
            let outcome = Result { try store.put(file: files[i], sha256: name) }
            outcomes.withLock { $0.append(outcome) }
        }
        let stored = try outcomes.withLock { $0 }.map { try $0.get() }
        #expect(stored.contains(true))
        if kind == .postgres { #expect(stored.filter { $0 }.count == 1) }
        #expect(files.allSatisfy { !FileManager.default.fileExists(atPath: $0.path) })
        #expect(try store.size(sha256: name) == Int64(content.count))
        #expect(try store.read(sha256: name, offset: 0, length: content.count) == content)
    }

    @Test(arguments: BlobStoreKind.allCases)
    func aReadRacingARemoveSeesTheWholeBlobOrNotFound(kind: BlobStoreKind) throws {
        let fixture = try BlobStoreFixture(kind)
        let content = BlobTestData.bytes(2 * Self.mib + 3)
        let name = BlobTestData.name()
        try fixture.store.put(data: content, sha256: name)
        let store = fixture.store
        let reads = Mutex<(whole: Int, wrong: Int, end: (any Error)?)>((0, 0, nil))
        onThreads(2) { thread in
            if thread == 1 {
                while reads.withLock({ $0.whole }) < 3 { usleep(1000) }
                try? store.remove(sha256: name)
                return
            }
            while true {
                do {
                    let data = try store.read(sha256: name, offset: 0, length: content.count)
                    reads.withLock {
                        if data == content { $0.whole += 1 } else { $0.wrong += 1 }
                    }
                } catch {
                    reads.withLock { $0.end = error }
                    return
                }
            }
        }
        let outcome = reads.withLock { ($0.whole, $0.wrong, $0.end) }
        #expect(outcome.0 >= 3)
        #expect(outcome.1 == 0)
        #expect((outcome.2 as? AegisError)?.code == .notFound)
    }
}
