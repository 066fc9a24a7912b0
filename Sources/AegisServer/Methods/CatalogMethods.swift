import AegisApp
import AegisDomain
import Foundation

/// `catalog.*`: importing the ATT&CK catalog, and what it holds.
enum CatalogMethods {
    static let all: [MethodHandler] = [
        .method("catalog.import", ImportParams.self) { p, scope in
            for (i, file) in p.files.enumerated() { try UploadName.validate(file.name, field: "files[\(i)].name") }
            return try service(scope).importCatalog(p.files.map { UploadedFile(name: $0.name, content: $0.content) })
        }.allocatingHeavily(),
        .method("catalog.import_begin") { scope in
            ImportBegun(uploadID: try service(scope).beginImport(), maxBytes: scope.env.limits.maxCatalogBytes,
                chunkBytes: Int64(scope.env.limits.maxFrameBytes / 2))
        },
        .method("catalog.import_append", ImportAppendParams.self) { p, scope in
            ImportAppended(received: try service(scope).appendImport(uploadID: p.uploadID, file: p.name, offset: p.offset, data: p.data))
        },
        .method("catalog.import_commit", UploadParams.self) { p, scope in
            try service(scope).commitImport(uploadID: p.uploadID)
        }.allocatingHeavily(),
        .method("catalog.import_abort", UploadParams.self) { p, scope in
            try service(scope).abortImport(uploadID: p.uploadID)
            return Done()
        },
        .method("catalog.status") { scope in try service(scope).status() }.cachedUntilNextCommit(),
    ]

    private static func service(_ scope: RequestScope) -> CatalogService {
        CatalogService(env: scope.env, context: scope.context)
    }

    // MARK: Params

    struct ImportParams: Decodable {
        struct File: Decodable {
            var name: String
            var content: Data
        }
        var files: [File]
    }

    struct UploadParams: Decodable {
        var uploadID: String
        enum CodingKeys: String, CodingKey { case uploadID = "upload_id" }
    }

    struct ImportAppendParams: Decodable {
        var uploadID: String
        var name: String
        var offset: Int64
        var data: Data
        enum CodingKeys: String, CodingKey {
            case name, offset, data
            case uploadID = "upload_id"
        }
    }

    // MARK: Results

    struct ImportBegun: Encodable {
        var uploadID: String
        var maxBytes: Int64
        /// Suggested chunk size: comfortably under the frame limit.
        var chunkBytes: Int64
        enum CodingKeys: String, CodingKey {
            case uploadID = "upload_id"
            case maxBytes = "max_bytes"
            case chunkBytes = "chunk_bytes"
        }
    }

    struct ImportAppended: Encodable { var received: Int64 }
}
