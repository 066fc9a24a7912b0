import AegisApp
import AegisDomain
import Foundation

/// `upload.*`: chunked uploads in progress, whatever their kind.
enum UploadMethods {
    static let all: [MethodHandler] = [
        .method("upload.list", ListParams.self) { p, scope in
            Items(items: try service(scope).list(owner: p.owner, kind: p.kind))
        },
        .method("upload.abort", AbortParams.self) { p, scope in
            try service(scope).abort(uploadID: p.uploadID, reason: p.reason)
        },
    ]

    private static func service(_ scope: RequestScope) -> UploadService {
        UploadService(env: scope.env, context: scope.context)
    }

    struct ListParams: Decodable, Sendable {
        var owner: String?
        var kind: UploadKind?
    }

    struct AbortParams: Decodable, Sendable {
        var uploadID: String
        var reason: String?
        enum CodingKeys: String, CodingKey {
            case reason
            case uploadID = "upload_id"
        }
    }
}
