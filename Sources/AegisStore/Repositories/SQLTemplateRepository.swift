import AegisDomain
import Foundation

/// Templates in SQL; executors and inputs as JSON (read whole, never queried).
struct SQLTemplateRepository<DB: SQLDatabase>: TemplateRepository {
    let db: DB

    private func values(_ t: Template) throws -> [SQLValue] {
        let encoder = JSONEncoder()
        return [
            .text(t.id), .int(t.version), .text(t.source.format.rawValue), .optional(t.source.sourceID),
            .optional(t.source.file), .text(t.techniqueID), .text(t.name), .text(t.description),
            .text(String(decoding: try encoder.encode(t.executors), as: UTF8.self)),
            .text(String(decoding: try encoder.encode(t.inputs), as: UTF8.self)), .int(StoreTime.micros(t.createdAt)),
            .int(StoreTime.micros(t.updatedAt)),
        ]
    }

    func insert(_ template: Template) throws {
        try db.prepare("INSERT INTO templates (\(SQLTemplateRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(try values(template)).run()
    }

    func update(_ template: Template) throws -> Bool {
        // The stored row must still be the version before this one.
        let v = try values(template)
        return try db.prepare(
            """
            UPDATE templates SET version = ?, source_format = ?, source_id = ?, source_file = ?, technique_id = ?,
                name = ?, description = ?, executors = ?, inputs = ?, created_at = ?, updated_at = ?
            WHERE id = ? AND version = ?
            """
        ).bind(Array(v.dropFirst()) + [v[0], .int(template.version - 1)]).run() == 1
    }

    func delete(id: String) throws -> Bool {
        try db.prepare("DELETE FROM templates WHERE id = ?").bind(.text(id)).run() == 1
    }

    func template(id: String) throws -> Template? {
        try db.prepare("SELECT \(SQLTemplateRows.columns) FROM templates WHERE id = ?").bind(.text(id)).first(SQLTemplateRows.template)
    }

    func template(format: Template.Source.Format, sourceID: String) throws -> Template? {
        try db.prepare("SELECT \(SQLTemplateRows.columns) FROM templates WHERE source_format = ? AND source_id = ?")
            .bind(.text(format.rawValue), .text(sourceID)).first(SQLTemplateRows.template)
    }

    func templates(techniqueID: String?, format: Template.Source.Format?, text: String?, page: PageRequest) throws
        -> Page<Template>
    {
        var filter = SQLFilter()
        if let after = page.after {
            filter.add("id > ?", .text(after))
        }
        if let techniqueID {
            filter.add("(technique_id = ? OR technique_id LIKE ?)", .text(techniqueID), .text(techniqueID + ".%"))
        }
        if let format {
            filter.add("source_format = ?", .text(format.rawValue))
        }
        if let text {
            filter.add("name \(db.dialect.like) ? ESCAPE '\\'", .text("%" + likeEscaped(text) + "%"))
        }
        let rows = try db.prepare("SELECT \(SQLTemplateRows.columns) FROM templates \(filter.clause) ORDER BY id LIMIT ?")
            .bind(filter.values + [.int(page.limit + 1)]).rows(SQLTemplateRows.template)
        let items = Array(rows.prefix(page.limit))
        return Page(items: items, nextKey: rows.count > page.limit ? items.last?.id : nil)
    }
}

/// The column lists and row mappings of `SQLTemplateRepository`, shared by both dialects.
enum SQLTemplateRows {
    static let columns = """
        id, version, source_format, source_id, source_file, technique_id, name, description, executors, inputs,
        created_at, updated_at
        """

    static func template(_ row: some SQLRow) -> Template {
        let decoder = JSONDecoder()
        return Template(
            id: row.text(0), version: Int(row.int(1)),
            source: .init(
                format: Template.Source.Format(rawValue: row.text(2)) ?? .manual, sourceID: row.optionalText(3),
                file: row.optionalText(4)),
            techniqueID: row.text(5), name: row.text(6), description: row.text(7),
            executors: (try? decoder.decode([Template.Executor].self, from: Data(row.text(8).utf8))) ?? [],
            inputs: (try? decoder.decode([Template.Input].self, from: Data(row.text(9).utf8))) ?? [],
            createdAt: StoreTime.date(row.int(10)), updatedAt: StoreTime.date(row.int(11)))
    }
}
