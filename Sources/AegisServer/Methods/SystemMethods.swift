import AegisApp

/// `system.*`: liveness and what this daemon is.
enum SystemMethods {
    static let all: [MethodHandler] = [
        .method("system.ping") { scope in SystemService(env: scope.env).ping() }.runningInline(),
        .method("system.info") { scope in try SystemService(env: scope.env).info(session: scope.context.session) },
    ]
}
