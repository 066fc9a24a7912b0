import AegisClient
import AegisWire
import Foundation
import Testing

@testable import AegisServer

/// A chunked upload belongs to the principal that began it. Anyone else
/// is told `NOT_FOUND` and changes nothing: the owner carries on as if they
/// had never tried.
@Suite struct UploadOwnershipTests {
    func sha256(_ data: Data) throws -> String { try SodiumCrypto().sha256Hex(data) }

    /// Begins an evidence upload of `content` as `who` on `test`.
    func begin(_ team: Team, _ who: String, _ test: MessagePackValue, side: String, _ content: Data) throws
        -> MessagePackValue
    {
        let begun = try team[who].call(
            "evidence.upload_begin",
            [
                "test_id": test["id"] ?? .nil, "side": .string(side), "filename": "proof.bin",
                "size": .int(Int64(content.count)), "sha256": .string(try sha256(content)),
            ])
        return try #require(begun["upload_id"])
    }

    func expectNotFound(_ client: AegisClient, _ method: String, _ params: MessagePackMap) {
        let error = #expect(throws: AegisClientError.self) { try client.call(method, params) }
        #expect(error?.code == "NOT_FOUND", "\(method)")
        if case .remote(_, _, let details)? = error { #expect(details?["kind"] == "upload", "\(method)") }
    }

    @Test func anotherPrincipalCannotCommitOrAbortAnUpload() throws {
        let team = try Team()
        let t = try team.readyTest()
        let content = Data("blue saw it".utf8)

        let committed = try begin(team, "blueanalyst", t, side: "blue", content)
        _ = try team["blueanalyst"].call(
            "evidence.upload_append", ["upload_id": committed, "offset": 0, "data": .binary(content)])
        expectNotFound(team["bluelead"], "evidence.upload_commit", ["upload_id": committed])
        let stored = try team["blueanalyst"].call("evidence.upload_commit", ["upload_id": committed])
        #expect(stored["sha256"] == .string(try sha256(content)))

        let aborted = try begin(team, "blueanalyst", t, side: "blue", content)
        _ = try team["blueanalyst"].call(
            "evidence.upload_append", ["upload_id": aborted, "offset": 0, "data": .binary(content.prefix(4))])
        expectNotFound(team["bluelead"], "evidence.upload_abort", ["upload_id": aborted])
        expectNotFound(team.admin, "evidence.upload_abort", ["upload_id": aborted])
        _ = try team["blueanalyst"].call(
            "evidence.upload_append", ["upload_id": aborted, "offset": 4, "data": .binary(content.dropFirst(4))])
        #expect(
            try team["blueanalyst"].call("evidence.upload_commit", ["upload_id": aborted])["size"]
                == .int(Int64(content.count)))
    }
}
