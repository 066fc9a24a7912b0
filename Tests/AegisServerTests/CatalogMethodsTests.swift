import AegisClient
import AegisWire
import Foundation
import Testing
import AegisTestSupport

@Suite struct CatalogMethodsTests {
    @Test func techniqueGetCarriesTheContractFields() throws {
        let daemon = try SharedDaemon.get()
        let t = try #require(try daemon.client().call("technique.get", ["id": "t0803"]).mapValue)
        #expect(t["id"] == "T0803")
        #expect(t["stix_id"]?.stringValue?.hasPrefix("attack-pattern--") == true)
        #expect(t["name"] == "Block Command Message")
        #expect(t["description"]?.stringValue?.isEmpty == false)
        #expect(t["tactics"] == .array(["inhibit-response-function"]))
        #expect(t["platforms"]?.arrayValue != nil)
        #expect(t["is_subtechnique"] == false)
        #expect(t["parent_id"] == .nil)  // present, and nil
        #expect(t["subtechnique_ids"] == .array([]))
        #expect(t["revoked"] == false)
        #expect(t["deprecated"] == false)
        #expect(t["revoked_by"] == .nil)
        #expect(t["url"] == "https://attack.mitre.org/techniques/T0803")
        #expect(t["modified"]?.dateValue != nil)
    }

    @Test func techniqueListFiltersAndPages() throws {
        let daemon = try SharedDaemon.get()
        let client = try daemon.client()
        var ids: [String] = []
        var cursor: MessagePackValue = .nil
        repeat {
            var params: MessagePackMap = ["limit": 10]
            if case .string = cursor { params.append(key: "cursor", value: cursor) }
            let page = try #require(try client.call("technique.list", params).mapValue)
            let items = page["items"]?.arrayValue ?? []
            #expect(items.count <= 10)
            ids += items.compactMap { $0.mapValue?["id"]?.stringValue }
            cursor = page["next_cursor"] ?? .nil
        } while cursor != .nil
        #expect(ids.count == 95 - 12)  // deprecated hidden by default
        #expect(ids == ids.sorted())

        let byTactic = try client.call("technique.list", ["tactic": "TA0107", "limit": 1000])
        let tactics = byTactic.mapValue?["items"]?.arrayValue?.map { $0.mapValue?["tactics"] } ?? []
        #expect(!tactics.isEmpty)
        #expect(tactics.allSatisfy { $0?.arrayValue?.contains("inhibit-response-function") == true })

        let query = try client.call("technique.list", ["q": "command message"])
        let names = query.mapValue?["items"]?.arrayValue?.compactMap { $0.mapValue?["name"]?.stringValue } ?? []
        #expect(names.contains("Block Command Message"))

        let all = try client.call("technique.list", ["include_revoked": true, "limit": 1000])
        #expect(all.mapValue?["items"]?.arrayValue?.count == 95)
        #expect(all.mapValue?["next_cursor"] == .nil)
    }

    @Test func tacticsActorsAndMitigations() throws {
        let daemon = try SharedDaemon.get()
        let client = try daemon.client()
        let tactics = try client.call("tactic.list", ["domain": "ics-attack"]).mapValue?["items"]?.arrayValue ?? []
        #expect(tactics.count == 12)
        #expect(tactics.first?.mapValue?["id"] == "TA0108")
        #expect(tactics.first?.mapValue?["order"] == 1)
        #expect(tactics.first?.mapValue?["shortname"] == "initial-access")

        let actor = try #require(try client.call("actor.get", ["id": "G0035"]).mapValue)
        #expect(actor["kind"] == "group")
        #expect(actor["name"] == "Dragonfly")
        #expect(actor["aliases"]?.arrayValue?.contains("Berserk Bear") == true)
        #expect(actor["technique_ids"]?.arrayValue?.isEmpty == false)

        let campaigns = try client.call("actor.list", ["kind": "campaign", "include_revoked": true, "limit": 1000])
        #expect(campaigns.mapValue?["items"]?.arrayValue?.count == 8)
        let found = try client.call("actor.list", ["q": "berserk"]).mapValue?["items"]?.arrayValue ?? []
        #expect(found.compactMap { $0.mapValue?["id"] } == ["G0035"])

        let mitigation = try #require(try client.call("mitigation.get", ["id": "M0948"]).mapValue)
        #expect(mitigation["name"] == "Application Isolation and Sandboxing")
        #expect(mitigation["technique_ids"]?.arrayValue?.isEmpty == false)

        let status = try #require(try client.call("catalog.status").mapValue)
        let domain = status["domains"]?.arrayValue?.first?.mapValue
        #expect(domain?["domain"] == "ics-attack")
        #expect(domain?["counts"]?.mapValue?["techniques"] == 95)
        #expect(domain?["source"]?.mapValue?["format"] == "stix_bundle")
        #expect(domain?["source"]?.mapValue?["sha256"]?.stringValue?.count == 64)
    }

    @Test func chunkedImportUploadsAndCommits() throws {
        let daemon = try TestDaemon()
        let client = try daemon.client()
        let content = try Data(contentsOf: TestData.icsBundle)
        let begun = try #require(try client.call("catalog.import_begin").mapValue)
        let upload = try #require(begun["upload_id"])
        var offset = 0
        while offset < content.count {
            let end = min(offset + 500_000, content.count)
            let received = try client.call(
                "catalog.import_append",
                ["upload_id": upload, "name": "ics.json", "offset": .int(Int64(offset)), "data": .binary(content.subdata(in: offset..<end))])
            #expect(received.mapValue?["received"] == .int(Int64(end)))
            offset = end
        }
        // A chunk at the wrong offset is refused and changes nothing.
        let stale = #expect(throws: AegisClientError.self) {
            try client.call("catalog.import_append", ["upload_id": upload, "name": "ics.json", "offset": 0, "data": .binary(Data([1]))])
        }
        #expect(stale?.code == "FAILED_PRECONDITION")
        let summary = try #require(try client.call("catalog.import_commit", ["upload_id": upload]).mapValue)
        #expect(summary["domains"]?.arrayValue?.first?.mapValue?["added"] == 95)
        // The upload is gone once committed.
        let gone = #expect(throws: AegisClientError.self) { try client.call("catalog.import_commit", ["upload_id": upload]) }
        #expect(gone?.code == "NOT_FOUND")
        #expect(try client.call("technique.get", ["id": "T0803"]).mapValue?["id"] == "T0803")
    }

    @Test func firstStartImportsTheConfiguredCatalog() throws {
        let daemon = try TestDaemon(attackData: TestData.icsBundle)
        let status = try daemon.client().call("catalog.status")
        #expect(status.mapValue?["domains"]?.arrayValue?.count == 1)
        #expect(try daemon.client().call("system.info").mapValue?["catalog_version"] == "ics-attack 18.1")
    }

    @Test func importRequiresAnAdmin() throws {
        // The only key there is is admin; PERMISSION_DENIED is covered by the
        // policy tests. Here: a viewer-less daemon still refuses anonymous imports.
        let daemon = try SharedDaemon.get()
        let error = #expect(throws: AegisClientError.self) {
            try daemon.client(key: .some(nil)).call("catalog.import_begin")
        }
        #expect(error?.code == "UNAUTHENTICATED")
    }
}

@Suite struct ReadCacheTests {
    @Test func anImportReplacesWhatWasCached() throws {
        let daemon = try TestDaemon()
        let client = try daemon.client()
        _ = try client.call("catalog.import", ["files": .array([try SharedDaemon.icsFile()])])
        #expect(try client.call("technique.get", ["id": "T0803"]).mapValue?["name"] == "Block Command Message")
        #expect(try client.call("technique.get", ["id": "T0803"]).mapValue?["name"] == "Block Command Message")
        // A newer release renames the technique.
        var content = try Data(contentsOf: TestData.icsBundle)
        let old = Data("\"name\": \"Block Command Message\"".utf8)
        let range = try #require(content.range(of: old))
        content.replaceSubrange(range, with: Data("\"name\": \"Block Command Messages\"".utf8))
        _ = try client.call(
            "catalog.import", ["files": .array([.map(["name": "ics-v2.json", "content": .binary(content)])])])
        #expect(try client.call("technique.get", ["id": "T0803"]).mapValue?["name"] == "Block Command Messages")
    }

    @Test func tacticListPages() throws {
        let daemon = try SharedDaemon.get()
        let client = try daemon.client()
        var ids: [String] = []
        var params: MessagePackMap = ["domain": "ics-attack", "limit": 5]
        var pages = 0
        while true {
            let page = try #require(try client.call("tactic.list", params).mapValue)
            ids += page["items"]?.arrayValue?.compactMap { $0.mapValue?["id"]?.stringValue } ?? []
            pages += 1
            guard case .string(let cursor)? = page["next_cursor"] else { break }
            params = ["domain": "ics-attack", "limit": 5, "cursor": .string(cursor)]
        }
        #expect(pages == 3)
        #expect(ids.count == 12)
        #expect(ids.first == "TA0108")
    }
}
