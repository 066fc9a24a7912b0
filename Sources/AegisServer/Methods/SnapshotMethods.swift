import AegisApp
import AegisDomain
import Foundation

/// `snapshot.*`.
enum SnapshotMethods {
    static let all: [MethodHandler] = [
        .method("snapshot.create", CreateParams.self) { p, scope in try service(scope).create(name: p.name, domain: p.domain) },
        .method("snapshot.get", IDParams.self) { p, scope in try service(scope).get(id: p.id) }.cachedUntilNextCommit(),
        .method("snapshot.list", PageParams.self) { p, scope in try service(scope).list(limit: p.limit, cursor: p.cursor) },
        .method("snapshot.diff", DiffParams.self) { p, scope in try service(scope).diff(from: p.from, to: p.to) }
            .cachedUntilNextCommit(maxAge: ScoreMethods.maxAge),
    ]

    private static func service(_ scope: RequestScope) -> SnapshotService {
        SnapshotService(env: scope.env, context: scope.context)
    }

    struct CreateParams: Decodable, Sendable {
        var name: String?
        var domain: String?
    }

    struct PageParams: Decodable, Sendable {
        var limit: Int?
        var cursor: String?
    }

    struct DiffParams: Decodable, Sendable {
        var from: String
        /// Nil: compare with the coverage now.
        var to: String?
    }
}
