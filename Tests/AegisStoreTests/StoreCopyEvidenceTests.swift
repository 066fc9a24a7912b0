import AegisDomain
import AegisTestSupport
import CSodium
import Foundation
import Testing

@testable import AegisStore

/// `StoreCopy` and evidence files: the ones the `evidence` table references
/// move from the blobs folder into PostgreSQL, checked before and after;
/// a missing or altered one refuses the copy with the target untouched.
@Suite struct StoreCopyEvidenceTests {
    static let mib = 1 << 20

    /// The SHA-256 (hex) of `data`.
    static func sha256(_ data: Data) -> String {
        _ = sodium_init()
        var stream = SHA256Stream()
        stream.update(data)
        return stream.finish()
    }

    /// Stores each of `contents` with `FileBlobStore` in `blobs` (default:
    /// the store's own folder) and adds an evidence row for it to the
    /// store at `path` (on test `tst_b`); returns their names.
    @discardableResult
    static func addEvidence(_ contents: [Data], to path: String, blobs: URL? = nil) throws -> [String] {
        let files = try FileBlobStore(
            root: blobs ?? URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("blobs"))
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        let session = try store.openSession()
        return try contents.map { data in
            let name = sha256(data)
            try files.put(data: data, sha256: name)
            try session.write { repos in
                try repos.evidence.insert(
                    Evidence(
                        id: "evd_\(UUID().uuidString)", testID: "tst_b", side: .red, caption: "proof",
                        filename: "capture.bin", size: Int64(data.count), sha256: name, uploadedBy: "user:usr_1",
                        uploadedAt: StoreCopyTests.t0))
            }
            return name
        }
    }

    /// How many tables the target's schema has (0: untouched).
    static func tableCount(at url: String) throws -> Int64? {
        try TestStore.integer(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()", at: url)
    }

    @Test func sha256StreamMatchesKnownDigests() {
        #expect(Self.sha256(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Self.sha256(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var pieces = SHA256Stream()
        for byte in "abc".utf8 { pieces.update(Data([byte])) }
        #expect(pieces.bytes == 3)
        #expect(pieces.finish() == Self.sha256(Data("abc".utf8)))
    }

    @Test func copiesTheReferencedEvidenceFilesAndLeavesThemInPlace() throws {
        let dir = try TemporaryDirectory()
        let path = try StoreCopyTests.makeSource(in: dir)
        let contents = [Data("small proof".utf8), Data(), BlobTestData.bytes(5 * Self.mib / 2)]
        let names = try Self.addEvidence(contents, to: path)
        // A second evidence row for the same content: one blob.
        try Self.addEvidence([contents[0]], to: path)
        // A file no evidence references, and a temporary left-over: skipped.
        let blobs = dir.url.appendingPathComponent("blobs")
        let stray = Data("stray".utf8)
        try FileBlobStore(root: blobs).put(data: stray, sha256: Self.sha256(stray))
        try FileManager.default.createDirectory(
            at: blobs.appendingPathComponent("ab"), withIntermediateDirectories: true)
        try Data("half".utf8).write(to: blobs.appendingPathComponent("ab/tmp-upload"))

        let url = try StoreCopyTests.freshTarget()
        var lines: [String] = []
        let report = try StoreCopy.run(from: path, to: url) { lines.append($0) }
        #expect(report.verified)
        #expect(report.blobs == 3)
        #expect(report.blobBytes == Int64(contents.map(\.count).reduce(0, +)))
        #expect(report.skippedBlobFiles == 2)
        #expect(lines.contains { $0.hasPrefix("skipping 2 files in ") })
        #expect(lines.contains("verified 3/3 evidence files (2.6 MB)"))

        let target = PostgresBlobStore(url: url)
        for (name, data) in zip(names, contents) {
            #expect(try target.size(sha256: name) == Int64(data.count))
            #expect(try target.read(sha256: name, offset: 0, length: data.count + 10) == data)
            let file = EvidenceBlobs.file(name, in: blobs)
            #expect(FileManager.default.contents(atPath: file.path) == data)
        }
        #expect(try target.size(sha256: Self.sha256(stray)) == nil)
        #expect(try TestStore.integer("SELECT count(*) FROM blob_chunks WHERE sha256 = '\(names[2])'", at: url) == 3)
        #expect(try TestStore.integer("SELECT count(*) FROM evidence", at: url) == 4)
    }

    @Test func aMissingEvidenceFileRefusesTheCopyAndLeavesTheTargetEmpty() throws {
        let dir = try TemporaryDirectory()
        let path = try StoreCopyTests.makeSource(in: dir)
        let names = try Self.addEvidence([Data("kept".utf8), Data("lost".utf8)], to: path)
        let lost = EvidenceBlobs.file(names[1], in: dir.url.appendingPathComponent("blobs"))
        try FileManager.default.removeItem(at: lost)

        let url = try StoreCopyTests.freshTarget()
        let error = #expect(throws: StoreCopyError.self) { try StoreCopy.run(from: path, to: url) }
        guard case .evidenceFiles(_, let referenced, let missing, let altered) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(referenced == 2 && missing == [names[1]] && altered.isEmpty)
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("1 missing from ") && message.contains(names[1]))
        #expect(message.contains("nothing was written to the target"))
        #expect(try Self.tableCount(at: url) == 0)
    }

    @Test func anAlteredEvidenceFileRefusesTheCopyAndLeavesTheTargetEmpty() throws {
        let dir = try TemporaryDirectory()
        let path = try StoreCopyTests.makeSource(in: dir)
        let names = try Self.addEvidence([Data("original".utf8)], to: path)
        let file = EvidenceBlobs.file(names[0], in: dir.url.appendingPathComponent("blobs"))
        try Data("tampered".utf8).write(to: file)

        let url = try StoreCopyTests.freshTarget()
        let error = #expect(throws: StoreCopyError.self) { try StoreCopy.run(from: path, to: url) }
        guard case .evidenceFiles(_, _, let missing, let altered) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(missing.isEmpty && altered == names)
        #expect((error.map { "\($0)" } ?? "").contains("1 whose content does not match the name (\(names[0]))"))
        #expect(try Self.tableCount(at: url) == 0)
    }

    @Test func theBlobsFolderCanBeNamed() throws {
        let dir = try TemporaryDirectory()
        let path = try StoreCopyTests.makeSource(in: dir)
        let elsewhere = dir.url.appendingPathComponent("elsewhere")
        let names = try Self.addEvidence([Data("moved".utf8)], to: path, blobs: elsewhere)

        let url = try StoreCopyTests.freshTarget()
        #expect(throws: StoreCopyError.self) { try StoreCopy.run(from: path, to: url) }
        let report = try StoreCopy.run(from: path, to: url, blobs: elsewhere.path)
        #expect(report.blobs == 1 && report.skippedBlobFiles == 0)
        #expect(try PostgresBlobStore(url: url).read(sha256: names[0], offset: 0, length: 10) == Data("moved".utf8))
    }
}
