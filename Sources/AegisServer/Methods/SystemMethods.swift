import AegisApp

/// `system.*`: liveness, what this daemon is, and what it holds.
enum SystemMethods {
    static let all: [MethodHandler] = [
        .method("system.ping") { scope in SystemService(env: scope.env).ping() }.runningInline(),
        .method("system.info") { scope in try SystemService(env: scope.env).info(session: scope.context.session) },
        .method("system.stats") { scope in SystemStats(scope: scope) },
    ]
}
