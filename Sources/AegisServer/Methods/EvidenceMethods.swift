import AegisApp
import AegisDomain
import Foundation

/// `evidence.*`.
enum EvidenceMethods {
    static let all: [MethodHandler] = [
        MethodHandler.method("evidence.upload", UploadParams.self) { p, scope in
            try service(scope).upload(p.description, content: p.content)
        }.allocatingHeavily(),
        .method("evidence.upload_begin", BeginParams.self) { p, scope in
            try service(scope).begin(p.description, size: p.size, sha256: p.sha256)
        },
        .method("evidence.upload_append", AppendParams.self) { p, scope in
            AppendResult(received: try service(scope).append(uploadID: p.uploadID, offset: p.offset, data: p.data))
        },
        MethodHandler.method("evidence.upload_commit", UploadIDParams.self) { p, scope in
            try service(scope).commit(uploadID: p.uploadID)
        }.allocatingHeavily(),
        .method("evidence.upload_abort", UploadIDParams.self) { p, scope in
            try service(scope).abort(uploadID: p.uploadID)
            return Done()
        },
        .method("evidence.list", ListParams.self) { p, scope in
            try service(scope).list(testID: p.testID, limit: p.limit, cursor: p.cursor)
        },
        .method("evidence.get", GetParams.self) { p, scope in
            try service(scope).get(id: p.id, offset: p.offset ?? 0, length: p.length)
        },
        .method("evidence.delete", IDParams.self) { p, scope in
            try service(scope).delete(id: p.id)
            return Done()
        },
    ]

    private static func service(_ scope: RequestScope) -> EvidenceService {
        EvidenceService(env: scope.env, context: scope.context)
    }

    struct UploadParams: Decodable, Sendable {
        var description: EvidenceService.Description
        var content: Data
        enum CodingKeys: String, CodingKey {
            case side, caption, filename, content
            case testID = "test_id"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            description = try EvidenceService.Description(
                testID: c.decode(String.self, forKey: .testID), side: c.decode(TeamSide.self, forKey: .side),
                caption: c.decodeIfPresent(String.self, forKey: .caption) ?? "",
                filename: c.decode(String.self, forKey: .filename))
            content = try c.decode(Data.self, forKey: .content)
        }
    }

    struct BeginParams: Decodable, Sendable {
        var description: EvidenceService.Description
        var size: Int64
        var sha256: String
        enum CodingKeys: String, CodingKey {
            case side, caption, filename, size, sha256
            case testID = "test_id"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            description = try EvidenceService.Description(
                testID: c.decode(String.self, forKey: .testID), side: c.decode(TeamSide.self, forKey: .side),
                caption: c.decodeIfPresent(String.self, forKey: .caption) ?? "",
                filename: c.decode(String.self, forKey: .filename))
            size = try c.decode(Int64.self, forKey: .size)
            sha256 = try c.decode(String.self, forKey: .sha256)
        }
    }

    struct AppendParams: Decodable, Sendable {
        var uploadID: String
        var offset: Int64
        var data: Data
        enum CodingKeys: String, CodingKey {
            case offset, data
            case uploadID = "upload_id"
        }
    }

    struct UploadIDParams: Decodable, Sendable {
        var uploadID: String
        enum CodingKeys: String, CodingKey { case uploadID = "upload_id" }
    }

    struct AppendResult: Encodable, Sendable { var received: Int64 }

    struct ListParams: Decodable, Sendable {
        var testID: String
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case limit, cursor
            case testID = "test_id"
        }
    }

    struct GetParams: Decodable, Sendable {
        var id: String
        var offset: Int64?
        var length: Int?
    }
}
