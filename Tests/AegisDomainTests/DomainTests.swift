import AegisDomain
import Foundation
import Testing

@Suite struct APIKeyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func activeUntilRevokedOrExpired() {
        var key = APIKey(id: "k", name: "n", roles: [.admin], createdAt: now)
        #expect(key.isActive(at: now))
        key.expiresAt = now.addingTimeInterval(60)
        #expect(key.isActive(at: now))
        #expect(!key.isActive(at: now.addingTimeInterval(61)))
        key.expiresAt = nil
        key.revokedAt = now
        #expect(!key.isActive(at: now))
    }
}

@Suite struct ValueTests {
    @Test func roundTripsThroughJSON() throws {
        let value: Value = ["a": 1, "b": [true, "x", nil], "c": ["d": .double(1.5)]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(Value.self, from: data) == value)
    }
}

@Suite struct ErrorTests {
    @Test func invalidArgumentNamesTheField() {
        let error = AegisError.invalidArgument("params.limit", "too big")
        #expect(error.code == .invalidArgument)
        #expect(error.details["field"] == "params.limit")
        #expect(error.code.rawValue == "INVALID_ARGUMENT")
    }

    @Test func principalsHaveStableActorIDs() {
        let p = Principal(kind: .apiKey, id: "key_1", name: "admin", roles: [.admin])
        #expect(p.actorID == "api_key:key_1")
        #expect(p.has(.admin))
        #expect(!p.has(.viewer))
    }
}

@Suite struct ValueJSONTests {
    @Test func writesJSONThatFoundationReadsBack() throws {
        let value: Value = [
            "text": "quote \" backslash \\ newline \n tab \t bell \u{07} é 😀", "n": 42, "neg": -7, "pi": .double(3.5),
            "yes": true, "nothing": nil, "list": [1, "two", ["three": 3]],
        ]
        let text = value.jsonText
        let back = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        #expect(back == value)
        #expect(Value.map([:]).jsonText == "{}")
        #expect(Value.map(["b": 1, "a": 2]).jsonText == #"{"a":2,"b":1}"#)
    }

    @Test func timestampsComeBackAsTimestamps() throws {
        let at = Date(timeIntervalSince1970: 1_790_000_000.25)
        let value: Value = ["due_at": .timestamp(at), "list": [.timestamp(at), 1], "plain": ["$other": 1]]
        let back = try #require(Value(storedJSON: value.jsonText))
        #expect(back == value)
        #expect(Value(storedJSON: "not json") == nil)
    }
}

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
