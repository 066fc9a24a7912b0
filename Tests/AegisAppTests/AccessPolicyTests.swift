import AegisApp
import AegisDomain
import Testing

@Suite struct AccessPolicyTests {
    let admin = Principal(kind: .apiKey, id: "k1", name: "admin", roles: [.admin])
    let viewer = Principal(kind: .apiKey, id: "k2", name: "viewer", roles: [.viewer])

    @Test func publicMethodsAreFew() {
        let publicMethods = AccessPolicy.rules.filter { $0.value == .public }.keys.sorted()
        #expect(publicMethods == ["auth.login", "system.info", "system.ping"])
    }

    @Test func importsNeedAdmin() throws {
        try AccessPolicy.authorize(admin, "catalog.import")
        let error = #expect(throws: AegisError.self) { try AccessPolicy.authorize(viewer, "catalog.import") }
        #expect(error?.code == .permissionDenied)
    }

    @Test func readsNeedOnlyAuthentication() throws {
        try AccessPolicy.authorize(viewer, "technique.get")
        try AccessPolicy.authorize(viewer, "catalog.status")
    }

    @Test func unknownMethodsAreRefused() {
        #expect(throws: AegisError.self) { try AccessPolicy.authorize(admin, "system.shutdown") }
    }
}
