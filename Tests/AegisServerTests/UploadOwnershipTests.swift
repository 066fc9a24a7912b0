import AegisClient
import AegisWire
import Foundation
import Testing

@testable import AegisServer

/// A chunked upload belongs to the principal that began it and to the
/// methods of its kind (evidence or catalog). Anyone else is told
/// `NOT_FOUND` and changes nothing: the owner carries on as if they had
/// never tried.
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

    @Test func anotherPrincipalCannotAppendToAnUpload() throws {
        let team = try Team()
        let t = try team.readyTest()
        let content = Data("plan".utf8)
        let upload = try begin(team, "redop", t, side: "red", content)
        expectNotFound(
            team["redlead"], "evidence.upload_append",
            ["upload_id": upload, "offset": 0, "data": .binary(Data("evil".utf8))])
        // Nothing landed: the owner starts at offset 0, and the file is theirs.
        #expect(
            try team["redop"].call(
                "evidence.upload_append", ["upload_id": upload, "offset": 0, "data": .binary(content)])[
                    "received"] == 4)
        let stored = try team["redop"].call("evidence.upload_commit", ["upload_id": upload])
        #expect(stored["sha256"] == .string(try sha256(content)))
    }

    @Test func evidenceAndCatalogUploadsAreInvisibleToEachOther() throws {
        let team = try Team()
        let t = try team.readyTest()
        let content = Data("evidence".utf8)

        // The admin's evidence upload, seen through the catalog methods.
        let evidence = try begin(team, "admin", t, side: "red", content)
        expectNotFound(
            team.admin, "catalog.import_append",
            ["upload_id": evidence, "name": "x.json", "offset": 0, "data": .binary(Data("{}".utf8))])
        expectNotFound(team.admin, "catalog.import_commit", ["upload_id": evidence])
        expectNotFound(team.admin, "catalog.import_abort", ["upload_id": evidence])
        _ = try team.admin.call(
            "evidence.upload_append", ["upload_id": evidence, "offset": 0, "data": .binary(content)])
        #expect(
            try team.admin.call("evidence.upload_commit", ["upload_id": evidence])["size"] == .int(Int64(content.count))
        )

        // The admin's catalog upload, seen through the evidence methods, by
        // the admin and by a red operator.
        let catalog = try #require(try team.admin.call("catalog.import_begin")["upload_id"])
        for client in [team.admin, team["redop"]] {
            expectNotFound(
                client, "evidence.upload_append", ["upload_id": catalog, "offset": 0, "data": .binary(Data("x".utf8))])
            expectNotFound(client, "evidence.upload_commit", ["upload_id": catalog])
            expectNotFound(client, "evidence.upload_abort", ["upload_id": catalog])
        }
        #expect(
            try team.admin.call(
                "catalog.import_append",
                ["upload_id": catalog, "name": "x.json", "offset": 0, "data": .binary(Data("{}".utf8))])[
                    "received"] == 2)
        _ = try team.admin.call("catalog.import_abort", ["upload_id": catalog])
    }

    @Test func anotherAdminCannotTouchACatalogUpload() throws {
        let team = try Team()
        let created = try team.admin.call("api_key.create", ["name": "second admin", "roles": ["admin"]])
        let other = try team.daemon.client(key: .some(try #require(created["key"]?.stringValue)))
        let upload = try #require(try team.admin.call("catalog.import_begin")["upload_id"])
        let chunk: MessagePackMap = [
            "upload_id": upload, "name": "x.json", "offset": 0, "data": .binary(Data("{}".utf8)),
        ]
        expectNotFound(other, "catalog.import_append", chunk)
        expectNotFound(other, "catalog.import_commit", ["upload_id": upload])
        expectNotFound(other, "catalog.import_abort", ["upload_id": upload])
        // Untouched: the owner's first chunk goes at offset 0, and the owner
        // can still abort it.
        #expect(try team.admin.call("catalog.import_append", chunk)["received"] == 2)
        _ = try team.admin.call("catalog.import_abort", ["upload_id": upload])
        let staged = team.daemon.dataDirectory.appendingPathComponent("uploads")
        #expect(try FileManager.default.contentsOfDirectory(atPath: staged.path).isEmpty)
    }
}
