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
