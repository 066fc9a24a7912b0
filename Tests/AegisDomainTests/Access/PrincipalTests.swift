import AegisDomain
import Testing

@Suite struct PrincipalTests {
    @Test func principalsHaveStableActorIDs() {
        let p = Principal(kind: .apiKey, id: "key_1", name: "admin", roles: [.admin])
        #expect(p.actorID == "api_key:key_1")
        #expect(p.has(.admin))
        #expect(!p.has(.viewer))
    }
}
