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
