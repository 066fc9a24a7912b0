import AegisApp
import AegisDomain
import Foundation

/// `score.*`: coverage scores and their weights.
enum ScoreMethods {
    /// Scores depend on the time too (freshness): a cached one is reused
    /// for at most this long, or until the next commit.
    static let maxAge: Duration = .seconds(600)

    static let all: [MethodHandler] = [
        .method("score.weights.get") { scope in try service(scope).weights() }.cachedUntilNextCommit(),
        .method("score.weights.set", WeightsParams.self) { p, scope in
            try service(scope).setWeights(
                ScoreWeights(
                    prevention: p.prevention, detection: p.detection, rules: p.rules, visibility: p.visibility,
                    freshness: p.freshness), version: p.version)
        },
        .method("score.technique", ScopeParams.self) { p, scope in try service(scope).technique(id: p.id, domain: p.domain) }
            .cachedUntilNextCommit(maxAge: maxAge),
        .method("score.tactic", ScopeParams.self) { p, scope in try service(scope).tactic(id: p.id, domain: p.domain) }
            .cachedUntilNextCommit(maxAge: maxAge),
        .method("score.actor", ScopeParams.self) { p, scope in try service(scope).actor(id: p.id, domain: p.domain) }
            .cachedUntilNextCommit(maxAge: maxAge),
        .method("score.org", DomainParams.self) { p, scope in try service(scope).org(domain: p.domain) }
            .cachedUntilNextCommit(maxAge: maxAge),
    ]

    private static func service(_ scope: RequestScope) -> ScoreService {
        ScoreService(env: scope.env, context: scope.context)
    }

    struct WeightsParams: Decodable, Sendable {
        var prevention: Int
        var detection: Int
        var rules: Int
        var visibility: Int
        var freshness: Int
        /// The version in force, as `score.weights.get` gave it.
        var version: Int
    }

    struct ScopeParams: Decodable, Sendable {
        var id: String
        var domain: String?
    }
}
