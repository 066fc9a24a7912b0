import AegisClient
import AegisWire
import Foundation
import Testing
import AegisTestSupport

@testable import AegisServer

@Suite struct CredentialsTests {
    @Test func firstStartWritesAPrivateAdminKeyAndLogsOnlyWhere() throws {
        let daemon = try TestDaemon()
        let path = daemon.dataDirectory.appendingPathComponent("admin.key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(daemon.adminKey.hasPrefix("aegis_k1_"))
        #expect(daemon.adminKey.count > 40)
        let logged = try #require(try eventually { daemon.log.text.contains("admin.key") } ? daemon.log.text : nil)
        #expect(!logged.contains(daemon.adminKey))
        #expect(!logged.contains(String(daemon.adminKey.dropFirst(9).prefix(16))))
        // The database holds only its hash.
        switch TestStore.kind {
        case .sqlite:
            let database = try Data(contentsOf: daemon.dataDirectory.appendingPathComponent("aegis.sqlite"))
            let wal = (try? Data(contentsOf: daemon.dataDirectory.appendingPathComponent("aegis.sqlite-wal"))) ?? Data()
            #expect(database.range(of: Data(daemon.adminKey.utf8)) == nil)
            #expect(wal.range(of: Data(daemon.adminKey.utf8)) == nil)
        case .postgres:
            for table in ["api_keys", "audit", "events"] {
                let rows = "SELECT count(*) FROM \(table) t WHERE position('\(daemon.adminKey)' in t::text) > 0"
                #expect(try TestStore.integer(rows, at: daemon.storeURL) == 0)
            }
            #expect(try TestStore.integer("SELECT count(*) FROM api_keys", at: daemon.storeURL) == 1)
        }
    }

    @Test func aRestartKeepsTheKeyAndCreatesNoOther() throws {
        let daemon = try TestDaemon()
        let key = daemon.adminKey
        daemon.daemon.stop()
        let again = Daemon(settings: daemon.daemon.settings, logger: .init(label: "test"))
        try again.start()
        defer { again.stop() }
        let client = try AegisClient(endpoint: again.rpcEndpoint, apiKey: key)
        _ = try client.call("catalog.status")
        let replay = try client.call("events.replay", ["after_seq": 0])
        let created = replay.mapValue?["items"]?.arrayValue?.filter { $0.mapValue?["type"] == "api_key.created" }
        #expect(created?.count == 1)
    }

    @Test(arguments: [nil, "", "aegis_k1_not-a-real-key", "something else", String(repeating: "x", count: 5000)])
    func nonPublicMethodsNeedAValidKey(_ key: String?) throws {
        let daemon = try SharedDaemon.get()
        let error = #expect(throws: AegisClientError.self) {
            try daemon.client(key: .some(key)).call("catalog.status")
        }
        #expect(error?.code == "UNAUTHENTICATED")
        // Public methods still work without one.
        _ = try daemon.client(key: .some(key)).call("system.ping")
    }
}
