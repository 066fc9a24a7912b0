import AegisDomain
import Foundation

/// `template.*`: attack procedures to build tests from.
public struct TemplateService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// The fields a manual template is made of.
    public struct Fields: Sendable {
        public var techniqueID: String?
        public var name: String?
        public var description: String?
        public var executors: [Template.Executor]?
        public var inputs: [Template.Input]?

        public init(
            techniqueID: String? = nil, name: String? = nil, description: String? = nil,
            executors: [Template.Executor]? = nil, inputs: [Template.Input]? = nil
        ) {
            self.techniqueID = techniqueID
            self.name = name
            self.description = description
            self.executors = executors
            self.inputs = inputs
        }
    }

    public func create(_ fields: Fields) throws -> Template {
        let now = env.clock.now()
        var template = Template(
            id: env.crypto.newID(prefix: "tpl_"), source: .init(format: .manual), techniqueID: "", name: "",
            executors: [], createdAt: now, updatedAt: now)
        let changes = try apply(fields, to: &template, creating: true)
        try context.session.write { repos in
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "template.create", "template", template.id, changes: changes, event: .templateCreated,
                payload: ["technique_id": .string(template.techniqueID)])
            try repos.templates.insert(template)
        }
        return template
    }

    public func get(id: String) throws -> Template {
        guard let template = try context.session.read({ try $0.templates.template(id: id) }) else {
            throw AegisError.notFound("template", id)
        }
        return template
    }

    public func list(
        techniqueID: String?, format: Template.Source.Format?, text: String?, limit: Int?, cursor: String?
    ) throws -> ListResult<Template> {
        let techniqueID = try techniqueID.map { try AttackID.technique($0, field: "technique_id") }
        let text = try Validate.optionalText(text, field: "q", max: 200)
        let page = try Cursor.pageRequest(limit: limit, cursor: cursor)
        return ListResult(
            try context.session.read { try $0.templates.templates(techniqueID: techniqueID, format: format, text: text, page: page) })
    }

    public func update(id: String, version: Int, fields: Fields) throws -> Template {
        let now = env.clock.now()
        return try context.session.write { repos in
            guard var template = try repos.templates.template(id: id) else { throw AegisError.notFound("template", id) }
            try Versioning.check(kind: "template", current: template.version, given: version)
            let changes = try apply(fields, to: &template, creating: false)
            template.version += 1
            template.updatedAt = now
            guard try repos.templates.update(template) else { throw AegisError(.conflict, "the template changed meanwhile") }
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "template.update", "template", id, changes: changes, event: .templateUpdated,
                payload: ["version": .int(Int64(template.version))])
            return template
        }
    }

    public func delete(id: String, version: Int) throws {
        let now = env.clock.now()
        try context.session.write { repos in
            guard let template = try repos.templates.template(id: id) else { throw AegisError.notFound("template", id) }
            try Versioning.check(kind: "template", current: template.version, given: version)
            _ = try repos.templates.delete(id: id)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "template.delete", "template", id, changes: ["name": .string(template.name)], event: .templateDeleted)
        }
    }

    /// Imports Atomic Red Team or Caldera files. Files that fail are
    /// reported and contribute nothing; the others are written in one
    /// transaction. A template imported before from the same source entry
    /// is updated in place (same id, next version), or left as it is when
    /// nothing in it changed (counted as unchanged).
    public func importFiles(format: Template.Source.Format, files: [UploadedFile]) throws -> TemplateImportSummary {
        guard format != .manual else { throw AegisError.invalidArgument("format", "format must be atomic or caldera") }
        guard !files.isEmpty else { throw AegisError.invalidArgument("files", "no files given") }
        for (i, file) in files.enumerated() { try UploadName.validate(file.name, field: "files[\(i)].name") }
        let now = env.clock.now()
        let crypto = env.crypto
        let report = TemplateImporter(now: now, newID: { crypto.newID(prefix: "tpl_") }).read(format: format, files: files)
        let templates = report.files.flatMap(\.templates)
        var added = 0, updated = 0, unchanged = 0
        var known: [String] = []
        for t in templates where (try? AttackID.technique(t.techniqueID)) != nil { known.append(t.techniqueID) }
        try context.session.write { repos in
            let log = ChangeLog(repos: repos, env: env, context: context, now: now)
            for var template in templates {
                if let sourceID = template.source.sourceID,
                    let existing = try repos.templates.template(format: template.source.format, sourceID: sourceID)
                {
                    template.id = existing.id
                    template.version = existing.version
                    template.createdAt = existing.createdAt
                    template.updatedAt = existing.updatedAt
                    if template == existing {
                        unchanged += 1
                        continue
                    }
                    template.version = existing.version + 1
                    template.updatedAt = now
                    _ = try repos.templates.update(template)
                    updated += 1
                    try log.record("template.update", "template", template.id, changes: ["source": .string(format.rawValue)])
                } else {
                    try repos.templates.insert(template)
                    added += 1
                    try log.record(
                        "template.create", "template", template.id,
                        changes: ["source": .string(format.rawValue), "source_id": .text(template.source.sourceID)])
                }
            }
            try log.record(
                "template.import", "template_import", format.rawValue,
                changes: ["files": .int(Int64(files.count))], event: .templateImported,
                payload: [
                    "format": .string(format.rawValue), "files": .int(Int64(files.count)), "added": .int(Int64(added)),
                    "updated": .int(Int64(updated)), "unchanged": .int(Int64(unchanged)),
                    "invalid_files": .int(Int64(report.files.filter { $0.status == .invalid }.count)),
                ])
        }
        return TemplateImportSummary(report: report, added: added, updated: updated, unchanged: unchanged)
    }

    private func apply(_ fields: Fields, to template: inout Template, creating: Bool) throws -> [String: Value] {
        var changes: [String: Value] = [:]
        if let id = fields.techniqueID {
            template.techniqueID = try AttackID.technique(id, field: "technique_id")
            changes["technique_id"] = .string(template.techniqueID)
        } else if creating {
            throw AegisError.invalidArgument("technique_id", "technique_id is required")
        }
        if let name = fields.name {
            template.name = try Validate.text(name, field: "name", max: 200)
            changes["name"] = .string(template.name)
        } else if creating {
            throw AegisError.invalidArgument("name", "name is required")
        }
        if let d = fields.description {
            template.description = try Validate.text(d, field: "description", max: 20_000, required: false)
            changes["description"] = .string(template.description)
        }
        if let executors = fields.executors {
            guard !executors.isEmpty, executors.count <= 20 else {
                throw AegisError.invalidArgument("executors", "a template needs 1 to 20 executors")
            }
            for (i, e) in executors.enumerated() {
                _ = try Validate.text(e.name, field: "executors[\(i)].name", max: 64)
                _ = try Validate.text(e.command, field: "executors[\(i)].command", max: 100_000)
                _ = try Validate.list(e.platforms, field: "executors[\(i)].platforms", maxItems: 20, maxLength: 64)
            }
            template.executors = executors
            changes["executors"] = .int(Int64(executors.count))
        } else if creating {
            throw AegisError.invalidArgument("executors", "executors is required")
        }
        if let inputs = fields.inputs {
            guard inputs.count <= 100 else { throw AegisError.invalidArgument("inputs", "at most 100 inputs") }
            for (i, input) in inputs.enumerated() {
                _ = try Validate.text(input.name, field: "inputs[\(i)].name", max: 100)
            }
            template.inputs = inputs
            changes["inputs"] = .int(Int64(inputs.count))
        }
        return changes
    }
}

/// What `template.import` reports: the importer's per-file report and how
/// many templates were new, updated, or already as imported.
public struct TemplateImportSummary: Sendable, Encodable {
    public var report: TemplateImportReport
    public var added: Int
    public var updated: Int
    public var unchanged: Int

    enum CodingKeys: String, CodingKey { case files, totals, added, updated, unchanged }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(report.files, forKey: .files)
        try c.encode(report.totals, forKey: .totals)
        try c.encode(added, forKey: .added)
        try c.encode(updated, forKey: .updated)
        try c.encode(unchanged, forKey: .unchanged)
    }
}
