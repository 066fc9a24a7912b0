import AegisDomain
import Foundation

/// Countermeasures in SQL: a row per source, a row per countermeasure (held
/// by its source), and a row per link to an ATT&CK technique. A sync writes
/// only what changed; when any link changed it rewrites the source's links.
struct SQLCountermeasureRepository<DB: SQLDatabase>: CountermeasureRepository {
    let db: DB

    func lockSyncs() throws {
        guard let lock = db.dialect.lockName else { return }
        _ = try db.prepare(lock).bind(.text("countermeasure"), .text("sync")).first { _ in true }
    }

    func stored(source: String) throws -> StoredCountermeasures {
        let version = try db.prepare("SELECT version FROM countermeasure_sources WHERE source = ?")
            .bind(.text(source)).first { $0.text(0) }
        let countermeasures = try db.prepare("\(Self.select) WHERE c.source = ? ORDER BY c.id")
            .bind(.text(source)).rows(Self.countermeasure)
        let links = try db.prepare(
            """
            SELECT l.countermeasure_id, l.technique_id, l.artifacts FROM countermeasure_links l
            JOIN countermeasures c ON c.id = l.countermeasure_id WHERE c.source = ?
            """
        ).bind(.text(source)).rows {
            CountermeasureLink(
                countermeasureID: $0.text(0), techniqueID: $0.text(1), artifacts: StringList.decode($0.text(2)))
        }
        return StoredCountermeasures(version: version, countermeasures: countermeasures, links: links)
    }

    func owners(of ids: [String], except source: String) throws -> [String: String] {
        let wanted = Set(ids)
        var owners: [String: String] = [:]
        for (id, owner) in try db.prepare("SELECT id, source FROM countermeasures WHERE source != ?").bind(
            .text(source)
        )
        .rows({ ($0.text(0), $0.text(1)) }) where wanted.contains(id) {
            owners[id] = owner
        }
        return owners
    }

    func apply(
        _ changes: CountermeasureChanges, links: [CountermeasureLink], source: String, version: String, at time: Date,
        by actor: String?
    ) throws {
        try db.prepare(
            """
            INSERT INTO countermeasure_sources (source, version, countermeasures, links, synced_at, synced_by)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (source) DO UPDATE SET version = excluded.version, countermeasures = excluded.countermeasures,
                links = excluded.links, synced_at = excluded.synced_at, synced_by = excluded.synced_by
            """
        ).bind(
            .text(source), .text(version), .int(changes.added + changes.updated + changes.unchanged), .int(links.count),
            .int(StoreTime.micros(time)), .optional(actor)
        ).run()
        let rewriteLinks = changes.linksChanged || !changes.removed.isEmpty
        if rewriteLinks {
            try db.prepare(
                "DELETE FROM countermeasure_links WHERE countermeasure_id IN (SELECT id FROM countermeasures WHERE source = ?)"
            ).bind(.text(source)).run()
        }
        var start = 0
        while start < changes.removed.count {
            let chunk = Array(changes.removed[start..<min(start + 100, changes.removed.count)])
            try db.prepare(
                "DELETE FROM countermeasures WHERE source = ? AND id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", ")))"
            ).bind([.text(source)] + chunk.map(SQLValue.text)).run()
            start += chunk.count
        }
        try db.insertRows(
            "countermeasures (id, source, name, tactic, parent, iri, definition)", columns: 7,
            changes.upserted.map {
                [
                    .text($0.id), .text(source), .text($0.name), .text($0.tactic.rawValue), .optional($0.parent),
                    .optional($0.iri),
                    .text($0.definition),
                ]
            },
            suffix: """
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, tactic = excluded.tactic, parent = excluded.parent,
                    iri = excluded.iri, definition = excluded.definition WHERE countermeasures.source = excluded.source
                """)
        if rewriteLinks {
            try db.insertRows(
                "countermeasure_links (countermeasure_id, technique_id, artifacts)", columns: 3,
                links.map {
                    [.text($0.countermeasureID), .text($0.techniqueID), .text(StringList.encode($0.artifacts))]
                })
        }
    }

    func techniqueLineage() throws -> [String: TechniqueLineage] {
        var lineage: [String: TechniqueLineage] = [:]
        for (id, revoked, by) in try db.prepare("SELECT id, revoked, revoked_by FROM techniques")
            .rows({ ($0.text(0), $0.bool(1), $0.optionalText(2)) })
        {
            lineage[id] = TechniqueLineage(revoked: revoked, revokedBy: by)
        }
        return lineage
    }

    func countermeasure(id: String) throws -> CountermeasureDetail? {
        guard let c = try db.prepare("\(Self.select) WHERE c.id = ?").bind(.text(id)).first(Self.countermeasure) else {
            return nil
        }
        let techniques = try db.prepare(
            """
            SELECT l.technique_id, coalesce(t.name, ''), l.artifacts FROM countermeasure_links l
            LEFT JOIN techniques t ON t.id = l.technique_id WHERE l.countermeasure_id = ? ORDER BY l.technique_id
            """
        ).bind(.text(id)).rows {
            AddressedTechnique(id: $0.text(0), name: $0.text(1), artifacts: StringList.decode($0.text(2)))
        }
        return CountermeasureDetail(countermeasure: c, techniques: techniques)
    }

    func countermeasures(matching query: CountermeasureQuery) throws -> Page<Countermeasure> {
        var filter = SQLFilter()
        if let after = query.page.after { filter.add("c.id > ?", .text(after)) }
        if let tactic = query.tactic { filter.add("c.tactic = ?", .text(tactic.rawValue)) }
        if let technique = query.techniqueID {
            filter.add(
                "EXISTS (SELECT 1 FROM countermeasure_links l WHERE l.countermeasure_id = c.id AND l.technique_id = ?)",
                .text(technique))
        }
        if let text = query.text {
            let pattern = SQLValue.text("%" + likeEscaped(text) + "%")
            filter.add(
                "(c.id \(db.dialect.like) ? ESCAPE '\\' OR c.name \(db.dialect.like) ? ESCAPE '\\')", pattern, pattern)
        }
        let rows = try db.prepare("\(Self.select) \(filter.clause) ORDER BY c.id LIMIT ?")
            .bind(filter.values + [.int(query.page.limit + 1)]).rows(Self.countermeasure)
        guard rows.count > query.page.limit else { return Page(items: rows, nextKey: nil) }
        let items = Array(rows.prefix(query.page.limit))
        return Page(items: items, nextKey: items.last?.id)
    }

    func countermeasures(addressing techniqueID: String) throws -> [CountermeasureRef] {
        try db.prepare(
            """
            SELECT c.id, c.name, c.tactic FROM countermeasure_links l JOIN countermeasures c ON c.id = l.countermeasure_id
            WHERE l.technique_id = ? ORDER BY c.id
            """
        ).bind(.text(techniqueID)).rows(Self.ref)
    }

    func countermeasureIDs(addressing techniqueIDs: Set<String>) throws -> [String: [String]] {
        var ids: [String: [String]] = [:]
        let all = techniqueIDs.sorted()
        var start = 0
        while start < all.count {
            let chunk = Array(all[start..<min(start + 500, all.count)])
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for (technique, countermeasure) in try db.prepare(
                """
                SELECT technique_id, countermeasure_id FROM countermeasure_links WHERE technique_id IN (\(placeholders))
                ORDER BY technique_id, countermeasure_id
                """
            ).bind(chunk.map(SQLValue.text)).rows({ ($0.text(0), $0.text(1)) }) {
                ids[technique, default: []].append(countermeasure)
            }
            start += chunk.count
        }
        return ids
    }

    // MARK: Rows

    static var select: String {
        """
        SELECT c.id, c.name, c.tactic, c.parent, c.iri, c.definition, c.source, s.version
        FROM countermeasures c JOIN countermeasure_sources s ON s.source = c.source
        """
    }

    static func countermeasure(_ row: some SQLRow) -> Countermeasure {
        Countermeasure(
            id: row.text(0), name: row.text(1), tactic: DefensiveTactic(rawValue: row.text(2)) ?? .model,
            parent: row.optionalText(3), iri: row.optionalText(4), definition: row.text(5), source: row.text(6),
            sourceVersion: row.text(7))
    }

    static func ref(_ row: some SQLRow) -> CountermeasureRef {
        CountermeasureRef(id: row.text(0), name: row.text(1), tactic: DefensiveTactic(rawValue: row.text(2)) ?? .model)
    }
}
