import AegisApp
import AegisDomain
import Foundation

/// `score.*` and `visibility.set`.
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
        .method("visibility.set", VisibilityParams.self) { p, scope in
            try service(scope).setVisibility(techniqueID: p.techniqueID, level: p.level, note: p.note)
        },
        .method("data_component.list", DomainParams.self) { p, scope in
            Items(items: try service(scope).dataComponents(domain: p.domain))
        }.cachedUntilNextCommit(),
        .method("data_component.set_collected", CollectedParams.self) { p, scope in
            try service(scope).setCollected(ids: p.ids, collected: p.collected, domain: p.domain)
        },
    ]

    struct CollectedParams: Decodable, Sendable {
        var ids: [String]
        var collected: Bool
        var domain: String?
    }

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

    struct VisibilityParams: Decodable, Sendable {
        var techniqueID: String
        /// 0-4; nil clears it.
        var level: Int?
        var note: String?

        enum CodingKeys: String, CodingKey {
            case level, note
            case techniqueID = "technique_id"
        }
    }
}
