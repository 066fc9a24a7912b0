import AegisDomain
import Foundation
import Testing

@Suite struct IdentifierTests {
    /// Identifiers made later sort after earlier ones (so indexes on them
    /// grow at one end), and keep their shape: prefix and 32 hex digits.
    @Test func identifiersSortByCreation() throws {
        let crypto = CountingCrypto()
        var ids: [String] = []
        let start = Date()
        // Wait on the clock, not a sleep: take ids until two milliseconds passed.
        while Date().timeIntervalSince(start) < 0.003 || ids.count < 2 { ids.append(crypto.newID(prefix: "tst_")) }
        let first = try #require(ids.first), last = try #require(ids.last)
        #expect(first < last)
        for id in ids {
            #expect(id.hasPrefix("tst_") && id.count == 36)
            #expect(id.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
        }
        #expect(Set(ids).count == ids.count)
    }
}

/// Random bytes from a counter: unique, so a clash would be the id's fault.
private final class CountingCrypto: CryptoProvider, @unchecked Sendable {
    private var counter: UInt64 = 0
    func sha256Hex(_ data: Data) -> String { "" }
    func randomBytes(_ count: Int) -> [UInt8] {
        counter += 1
        return (0..<count).map { UInt8(truncatingIfNeeded: counter >> (8 * UInt64($0 % 8))) }
    }
    func hashPassword(_ password: String) throws -> String { "" }
    func verifyPassword(_ password: String, hash: String) -> Bool { false }
}
