import AegisDomain
import Testing

/// A plugin has no roles: the side it works for follows from its scope.
@Suite struct PluginPrincipalTests {
    static func plugin(_ scope: [String]) -> Principal {
        Principal(kind: .plugin, id: "caldera", name: "caldera", roles: [], scope: scope)
    }

    @Test func aPluginThatSubmitsRedsResultsWorksForRedAndSeesBlindTests() {
        for scope in [["test.submit_red"], ["test.*"]] {
            let plugin = Self.plugin(scope)
            #expect(plugin.worksForRed)
            #expect(!plugin.seesBlindTestsBlind)
        }
        #expect(Self.plugin(["test.*"]).worksForBlue)
    }

    @Test func anyOtherPluginWorksForNoSideAndSeesBlindTestsBlind() {
        let plugin = Self.plugin(["test.get", "test.list", "evidence.upload", "test.submit_blue_x"])
        #expect(!plugin.worksForRed)
        #expect(!plugin.worksForBlue)
        #expect(plugin.seesBlindTestsBlind)
        // A user or key is never taken for a plugin, whatever it holds.
        let key = Principal(kind: .apiKey, id: "k", name: "k", roles: [.viewer], scope: ["test.submit_red"])
        #expect(!key.worksForRed)
        #expect(key.seesBlindTestsBlind)
    }
}
