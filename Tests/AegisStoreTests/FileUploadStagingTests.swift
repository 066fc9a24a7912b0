import AegisDomain
import Foundation
import Testing

@testable import AegisStore
import AegisTestSupport

@Suite struct FileUploadStagingTests {
    let admin = UploadOwner(kind: .catalog, actorID: "api_key:admin")

    @Test func collectsChunksInOrder() throws {
        let dir = try TemporaryDirectory()
        let staging = try FileUploadStaging(root: dir.url.appendingPathComponent("uploads"))
        let id = try staging.begin(for: admin, maxBytes: 100)
        #expect(try staging.append(uploadID: id, by: admin, file: "a.json", offset: 0, data: Data("hello ".utf8)) == 6)
        #expect(try staging.append(uploadID: id, by: admin, file: "b.json", offset: 0, data: Data("x".utf8)) == 1)
        #expect(try staging.append(uploadID: id, by: admin, file: "a.json", offset: 6, data: Data("world".utf8)) == 11)
        let files = try staging.claim(uploadID: id, by: admin).files
        #expect(files.map(\.name) == ["a.json", "b.json"])
        #expect(String(decoding: files[0].content, as: UTF8.self) == "hello world")
        // Claimed: a second claim or a late chunk finds nothing.
        #expect(throws: AegisError.self) { try staging.claim(uploadID: id, by: admin) }
        #expect(throws: AegisError.self) { try staging.append(uploadID: id, by: admin, file: "a.json", offset: 11, data: Data()) }
        staging.discard(uploadID: id)
    }

    @Test func refusesWrongOffsetsOversizeAndStrangers() throws {
        let dir = try TemporaryDirectory()
        let staging = try FileUploadStaging(root: dir.url.appendingPathComponent("uploads"))
        let id = try staging.begin(for: admin, maxBytes: 10)
        let gap = #expect(throws: AegisError.self) {
            try staging.append(uploadID: id, by: admin, file: "a", offset: 5, data: Data("x".utf8))
        }
        #expect(gap?.code == .failedPrecondition)
        let big = #expect(throws: AegisError.self) {
            try staging.append(uploadID: id, by: admin, file: "a", offset: 0, data: Data(count: 11))
        }
        #expect(big?.code == .resourceExhausted)
        let unknown = #expect(throws: AegisError.self) {
            try staging.append(uploadID: "upl_nope", by: admin, file: "a", offset: 0, data: Data())
        }
        #expect(unknown?.code == .notFound)
        // Another purpose cannot read it.
        #expect(throws: AegisError.self) { try staging.claim(uploadID: id, by: UploadOwner(kind: .evidence, actorID: admin.actorID)) }
        #expect(try staging.claim(uploadID: id, by: admin).files.isEmpty)
    }

    @Test func limitsOpenUploads() throws {
        let dir = try TemporaryDirectory()
        let staging = try FileUploadStaging(root: dir.url.appendingPathComponent("uploads"), maxOpenUploads: 2)
        _ = try staging.begin(for: admin, maxBytes: 10)
        _ = try staging.begin(for: admin, maxBytes: 10)
        let error = #expect(throws: AegisError.self) { try staging.begin(for: admin, maxBytes: 10) }
        #expect(error?.code == .resourceExhausted)
    }

    @Test func strangersFindNothingAndChangeNothing() throws {
        let dir = try TemporaryDirectory()
        let staging = try FileUploadStaging(root: dir.url.appendingPathComponent("uploads"))
        let owner = UploadOwner(kind: .evidence, actorID: "user:usr_red")
        let id = try staging.begin(for: owner, maxBytes: 10, metadata: ["sha256": "x"])
        let strangers = [
            UploadOwner(kind: .evidence, actorID: "user:usr_blue"),  // same kind, someone else
            UploadOwner(kind: .catalog, actorID: owner.actorID),  // same actor, other kind
        ]
        for stranger in strangers {
            let append = #expect(throws: AegisError.self) {
                try staging.append(uploadID: id, by: stranger, file: "content", offset: 0, data: Data("evil".utf8))
            }
            #expect(append?.code == .notFound)
            let claim = #expect(throws: AegisError.self) { try staging.claim(uploadID: id, by: stranger) }
            #expect(claim?.code == .notFound)
        }
        // Still the owner's, empty, and whole.
        #expect(try staging.append(uploadID: id, by: owner, file: "content", offset: 0, data: Data("mine".utf8)) == 4)
        let claimed = try staging.claim(uploadID: id, by: owner)
        #expect(claimed.metadata == ["sha256": "x"])
        #expect(claimed.files.map { String(decoding: $0.content, as: UTF8.self) } == ["mine"])
        staging.discard(uploadID: id)
    }
}
