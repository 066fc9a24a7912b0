import AegisApp
import AegisDomain
import Foundation

/// `template.*`.
enum TemplateMethods {
    static let all: [MethodHandler] = [
        .method("template.create", FieldsParams.self) { p, scope in try service(scope).create(p.fields) },
        .method("template.get", IDParams.self) { p, scope in try service(scope).get(id: p.id) },
        .method("template.list", ListParams.self) { p, scope in
            try service(scope).list(
                techniqueID: p.techniqueID, format: p.format, text: p.q, limit: p.limit, cursor: p.cursor)
        },
        .method("template.update", UpdateParams.self) { p, scope in
            try service(scope).update(id: p.id, version: p.version, fields: p.fields)
        },
        .method("template.delete", VersionedIDParams.self) { p, scope in
            try service(scope).delete(id: p.id, version: p.version)
            return Done()
        },
        MethodHandler.method("template.import", ImportParams.self) { p, scope in
            try service(scope).importFiles(
                format: p.format, files: p.files.map { UploadedFile(name: $0.name, content: $0.content) })
        }.allocatingHeavily(),
    ]

    private static func service(_ scope: RequestScope) -> TemplateService {
        TemplateService(env: scope.env, context: scope.context)
    }

    struct FieldsParams: Decodable, Sendable {
        var fields: TemplateService.Fields
        enum CodingKeys: String, CodingKey {
            case name, description, executors, inputs
            case techniqueID = "technique_id"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fields = try TemplateService.Fields(
                techniqueID: c.decodeIfPresent(String.self, forKey: .techniqueID),
                name: c.decodeIfPresent(String.self, forKey: .name),
                description: c.decodeIfPresent(String.self, forKey: .description),
                executors: c.decodeIfPresent([Template.Executor].self, forKey: .executors),
                inputs: c.decodeIfPresent([Template.Input].self, forKey: .inputs))
        }
    }

    struct UpdateParams: Decodable, Sendable {
        var id: String
        var version: Int
        var fields: TemplateService.Fields
        enum CodingKeys: String, CodingKey {
            case id, version, name, description, executors, inputs
            case techniqueID = "technique_id"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            version = try c.decode(Int.self, forKey: .version)
            fields = try TemplateService.Fields(
                techniqueID: c.decodeIfPresent(String.self, forKey: .techniqueID),
                name: c.decodeIfPresent(String.self, forKey: .name),
                description: c.decodeIfPresent(String.self, forKey: .description),
                executors: c.decodeIfPresent([Template.Executor].self, forKey: .executors),
                inputs: c.decodeIfPresent([Template.Input].self, forKey: .inputs))
        }
    }

    struct ListParams: Decodable, Sendable {
        var techniqueID: String?
        var format: Template.Source.Format?
        var q: String?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case format, q, limit, cursor
            case techniqueID = "technique_id"
        }
    }

    struct ImportParams: Decodable, Sendable {
        struct File: Decodable, Sendable {
            var name: String
            var content: Data
        }
        var format: Template.Source.Format
        var files: [File]
    }
}
