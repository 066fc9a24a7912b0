import AegisApp

/// `mitigation.*`: the catalog's mitigations.
enum MitigationMethods {
    static let all: [MethodHandler] = [
        .method("mitigation.get", IDParams.self) { p, scope in try service(scope).mitigation(id: p.id) }
            .cachedUntilNextCommit()
    ]

    private static func service(_ scope: RequestScope) -> CatalogService {
        CatalogService(env: scope.env, context: scope.context)
    }
}
