import AegisApp
import AegisDomain
import Foundation

/// `layer.*`: ATT&CK Navigator layers.
enum LayerMethods {
    static let all: [MethodHandler] = [
        .method("layer.export", ExportParams.self) { p, scope in
            try service(scope).export(
                kind: p.kind,
                filters: .init(
                    domain: p.filters?.domain, tactic: p.filters?.tactic, actor: p.filters?.actor, from: p.filters?.from,
                    to: p.filters?.to, platforms: p.filters?.platforms), name: p.name)
        }.cachedUntilNextCommit(maxAge: ScoreMethods.maxAge),
        .method("layer.import", ImportParams.self) { p, scope in
            try service(scope).read(content: p.content.data, domain: p.domain)
        },
        .method("layer.compare", CompareParams.self) { p, scope in
            try service(scope).compare(content: p.content.data, against: p.against ?? "coverage", domain: p.domain)
        },
    ]

    private static func service(_ scope: RequestScope) -> LayerService {
        LayerService(env: scope.env, context: scope.context)
    }

    struct ExportParams: Decodable, Sendable {
        struct Filters: Decodable, Sendable {
            var domain: String?
            var tactic: String?
            var actor: String?
            var from: String?
            var to: String?
            var platforms: [String]?
        }
        var kind: LayerService.Kind
        var filters: Filters?
        var name: String?
    }

    struct ImportParams: Decodable, Sendable {
        var content: FileContent
        var domain: String?
    }

    struct CompareParams: Decodable, Sendable {
        var content: FileContent
        /// Only `coverage` for now.
        var against: String?
        var domain: String?
    }
}
