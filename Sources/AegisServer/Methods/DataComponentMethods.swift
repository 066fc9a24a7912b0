import AegisApp

/// `data_component.*`: the ATT&CK data components the team collects.
enum DataComponentMethods {
    static let all: [MethodHandler] = [
        .method("data_component.list", DomainParams.self) { p, scope in
            Items(items: try service(scope).dataComponents(domain: p.domain))
        }.cachedUntilNextCommit(),
        .method("data_component.set_collected", CollectedParams.self) { p, scope in
            try service(scope).setCollected(ids: p.ids, collected: p.collected, domain: p.domain)
        },
    ]

    private static func service(_ scope: RequestScope) -> ScoreService {
        ScoreService(env: scope.env, context: scope.context)
    }

    struct CollectedParams: Decodable, Sendable {
        var ids: [String]
        var collected: Bool
        var domain: String?
    }
}
