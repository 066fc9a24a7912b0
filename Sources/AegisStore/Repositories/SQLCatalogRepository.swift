import AegisDomain
import Foundation

/// The catalog's reads in SQL. Imports are in `SQLCatalogImport`.
struct SQLCatalogRepository<DB: SQLDatabase>: CatalogRepository {
    let db: DB

    func technique(id: String) throws -> Technique? {
        try db.prepare("\(SQLCatalogRows.techniqueSelect) WHERE t.id = ?").bind(.text(id)).first(SQLCatalogRows.technique)
    }

    func techniques(matching query: TechniqueQuery) throws -> Page<Technique> {
        var filter = SQLFilter()
        if let after = query.page.after {
            filter.add("t.id > ?", .text(after))
        }
        if !query.includeRevoked { filter.add("t.revoked = 0 AND t.deprecated = 0") }
        if !query.includeSubtechniques { filter.add("t.is_subtechnique = 0") }
        if let shortname = query.tacticShortname {
            if let domain = query.domain {
                filter.add(
                    "EXISTS (SELECT 1 FROM technique_tactics x WHERE x.technique_id = t.id AND x.shortname = ? AND x.domain = ?)",
                    .text(shortname), .text(domain))
            } else {
                filter.add(
                    "EXISTS (SELECT 1 FROM technique_tactics x WHERE x.technique_id = t.id AND x.shortname = ?)",
                    .text(shortname))
            }
        }
        if let platform = query.platform {
            filter.add(
                "EXISTS (SELECT 1 FROM technique_platforms p WHERE p.technique_id = t.id AND \(db.dialect.equalsIgnoringCase("p.platform")))",
                .text(platform))
        }
        if let text = query.text {
            let pattern = SQLValue.text("%" + likeEscaped(text) + "%")
            filter.add("(t.id \(db.dialect.like) ? ESCAPE '\\' OR t.name \(db.dialect.like) ? ESCAPE '\\')", pattern, pattern)
        }
        let items = try db.prepare(
            "\(SQLCatalogRows.techniqueSelect) \(filter.clause) ORDER BY t.id LIMIT ?"
        ).bind(filter.values + [.int(query.page.limit + 1)]).rows(SQLCatalogRows.technique)
        return page(items, limit: query.page.limit, key: \.id)
    }

    func tactics(domain: String?) throws -> [Tactic] {
        if let domain {
            return try db.prepare("SELECT \(SQLCatalogRows.tacticColumns) FROM tactics WHERE domain = ? ORDER BY position, id")
                .bind(.text(domain)).rows(SQLCatalogRows.tactic)
        }
        return try db.prepare("SELECT \(SQLCatalogRows.tacticColumns) FROM tactics ORDER BY domain, position, id").rows(SQLCatalogRows.tactic)
    }

    func tactic(id: String) throws -> Tactic? {
        try db.prepare("SELECT \(SQLCatalogRows.tacticColumns) FROM tactics WHERE id = ?").bind(.text(id)).first(SQLCatalogRows.tactic)
    }

    func actor(id: String) throws -> ThreatActor? {
        try db.prepare("SELECT \(SQLCatalogRows.actorColumns) FROM actors WHERE id = ?").bind(.text(id)).first(SQLCatalogRows.actor)
    }

    func actors(matching query: ActorQuery) throws -> Page<ThreatActor> {
        var filter = SQLFilter()
        if let after = query.page.after {
            filter.add("id > ?", .text(after))
        }
        if !query.includeRevoked { filter.add("revoked = 0 AND deprecated = 0") }
        if let kind = query.kind {
            filter.add("kind = ?", .text(kind.rawValue))
        }
        if let text = query.text {
            let pattern = SQLValue.text("%" + likeEscaped(text) + "%")
            filter.add("(id \(db.dialect.like) ? ESCAPE '\\' OR name \(db.dialect.like) ? ESCAPE '\\' OR aliases \(db.dialect.like) ? ESCAPE '\\')", pattern, pattern, pattern)
        }
        let items = try db.prepare("SELECT \(SQLCatalogRows.actorColumns) FROM actors \(filter.clause) ORDER BY id LIMIT ?")
            .bind(filter.values + [.int(query.page.limit + 1)]).rows(SQLCatalogRows.actor)
        return page(items, limit: query.page.limit, key: \.id)
    }

    func mitigation(id: String) throws -> Mitigation? {
        try db.prepare(
            "SELECT id, stix_id, name, description, technique_ids, domains, revoked, deprecated, url FROM mitigations WHERE id = ?"
        ).bind(.text(id)).first { row in
            Mitigation(
                id: row.text(0), stixID: row.text(1), name: row.text(2), description: row.text(3),
                techniqueIDs: StringList.decode(row.text(4)), domains: StringList.decode(row.text(5)),
                revoked: row.bool(6), deprecated: row.bool(7), url: row.text(8))
        }
    }

    func status() throws -> CatalogStatus {
        let domains = try db.prepare(
            """
            SELECT domain, name, version, modified, imported_at, source_format, source_files, source_sha256, counts
            FROM catalog_domains ORDER BY domain
            """
        ).rows { row in
            CatalogDomainStatus(
                domain: row.text(0), name: row.text(1), version: row.text(2),
                modified: row.optionalInt(3).map(StoreTime.date), importedAt: StoreTime.date(row.int(4)),
                source: CatalogSource(
                    format: CatalogSource.Format(rawValue: row.text(5)) ?? .stixBundle,
                    files: StringList.decode(row.text(6)), sha256: row.text(7)),
                counts: (try? JSONDecoder().decode(CatalogCounts.self, from: Data(row.text(8).utf8))) ?? CatalogCounts())
        }
        return CatalogStatus(domains: domains)
    }

    func attackIDsByStixID() throws -> [String: String] {
        var ids: [String: String] = [:]
        for table in ["techniques", "actors"] {
            for (stix, id) in try db.prepare("SELECT stix_id, id FROM \(table)").rows({ ($0.text(0), $0.text(1)) }) {
                ids[stix] = id
            }
        }
        return ids
    }

    func importBundle(_ bundle: CatalogBundle, at time: Date) throws -> CatalogImportSummary.DomainChanges {
        try SQLCatalogImport(db: db).write(bundle, at: time)
    }

    private func page<T>(_ rows: [T], limit: Int, key: (T) -> String) -> Page<T> {
        guard rows.count > limit else { return Page(items: rows, nextKey: nil) }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextKey: items.last.map(key))
    }
}

/// `text` with LIKE's wildcards escaped (escape character `\`).
func likeEscaped(_ text: String) -> String {
    var out = ""
    for c in text {
        if c == "%" || c == "_" || c == "\\" { out.append("\\") }
        out.append(c)
    }
    return out
}

/// The column lists and row mappings of `SQLCatalogRepository`, shared by both dialects.
enum SQLCatalogRows {
    static let techniqueColumns = """
        id, stix_id, name, description, tactics, platforms, domains, is_subtechnique, parent_id, subtechnique_ids,
        mitigation_ids, detection_strategy_ids, revoked, deprecated, revoked_by, url, created, modified
        """

    /// Technique columns plus the coverage status (absent: untested).
    static let techniqueSelect = """
        SELECT t.id, t.stix_id, t.name, t.description, t.tactics, t.platforms, t.domains, t.is_subtechnique, t.parent_id,
            t.subtechnique_ids, t.mitigation_ids, t.detection_strategy_ids, t.revoked, t.deprecated, t.revoked_by, t.url,
            t.created, t.modified, (SELECT s.status FROM technique_status s WHERE s.technique_id = t.id)
        FROM techniques t
        """

    static func technique(_ row: some SQLRow) -> Technique {
        Technique(
            id: row.text(0), stixID: row.text(1), name: row.text(2), description: row.text(3),
            tactics: StringList.decode(row.text(4)), platforms: StringList.decode(row.text(5)),
            domains: StringList.decode(row.text(6)), isSubtechnique: row.bool(7), parentID: row.optionalText(8),
            subtechniqueIDs: StringList.decode(row.text(9)), mitigationIDs: StringList.decode(row.text(10)),
            detectionStrategyIDs: StringList.decode(row.text(11)), revoked: row.bool(12), deprecated: row.bool(13),
            revokedBy: row.optionalText(14), url: row.text(15), created: row.optionalInt(16).map(StoreTime.date),
            modified: row.optionalInt(17).map(StoreTime.date),
            status: row.optionalText(18).flatMap(TechniqueStatus.init(rawValue:)) ?? .untested)
    }

    static let tacticColumns = "id, stix_id, shortname, name, description, position, domain, url"

    static func tactic(_ row: some SQLRow) -> Tactic {
        Tactic(
            id: row.text(0), stixID: row.text(1), shortname: row.text(2), name: row.text(3),
            description: row.text(4), order: Int(row.int(5)), domain: row.text(6), url: row.text(7))
    }

    static let actorColumns = """
        id, stix_id, name, kind, aliases, description, technique_ids, domains, revoked, deprecated, revoked_by, url,
        first_seen, last_seen
        """

    static func actor(_ row: some SQLRow) -> ThreatActor {
        ThreatActor(
            id: row.text(0), stixID: row.text(1), name: row.text(2),
            kind: ThreatActor.Kind(rawValue: row.text(3)) ?? .group, aliases: StringList.decode(row.text(4)),
            description: row.text(5), techniqueIDs: StringList.decode(row.text(6)),
            domains: StringList.decode(row.text(7)), revoked: row.bool(8), deprecated: row.bool(9),
            revokedBy: row.optionalText(10), url: row.text(11), firstSeen: row.optionalInt(12).map(StoreTime.date),
            lastSeen: row.optionalInt(13).map(StoreTime.date))
    }
}
