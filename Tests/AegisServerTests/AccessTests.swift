import AegisClient
import AegisDomain
import AegisStore
import AegisTestSupport
import AegisWire
import Foundation
import Testing

@testable import AegisServer

/// Roles over the wire. Keys other than the first admin key are added to
/// the database directly (key management methods come later).
@Suite struct AccessTests {
    @Test func aViewerReadsButCannotImport() throws {
        let daemon = try TestDaemon()
        let crypto = try SodiumCrypto()
        let secret = crypto.newSecret(prefix: "aegis_k1_")
        let store = try daemon.openStore()
        try store.openSession().write { repos in
            try repos.apiKeys.insert(
                APIKey(id: "key_viewer", name: "viewer", roles: [.viewer], createdAt: Date()),
                secretHash: crypto.sha256Hex(Data(secret.utf8)))
        }
        let viewer = try daemon.client(key: .some(secret))
        _ = try viewer.call("catalog.status")
        let denied = #expect(throws: AegisClientError.self) { try viewer.call("catalog.import_begin") }
        #expect(denied?.code == "PERMISSION_DENIED")
        // Asked again, now from the cached credentials on the front thread.
        let again = #expect(throws: AegisClientError.self) { try viewer.call("catalog.import_begin") }
        #expect(again?.code == "PERMISSION_DENIED")
    }
}
