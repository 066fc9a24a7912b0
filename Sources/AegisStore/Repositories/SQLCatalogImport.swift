import AegisDomain
import Foundation

/// Writes one domain's `CatalogBundle`, inside the caller's transaction.
///
/// Objects are upserted by ATT&CK id (their `domains` merged), the
/// domain's own link rows replaced, and what changed is counted against
/// what was there before. Running it twice with the same bundle changes
/// nothing the second time.
struct SQLCatalogImport<DB: SQLDatabase> {
    let db: DB

    func write(_ bundle: CatalogBundle, at time: Date) throws -> CatalogImportSummary.DomainChanges {
        let domain = bundle.domain
        let before = try existingTechniques()
        var existingDomains = try domainsByID(table: "techniques")

        // Links written by an earlier import of this domain.
        for table in ["technique_tactics", "actor_techniques", "detection_links"] {
            try db.prepare("DELETE FROM \(table) WHERE domain = ?").bind(.text(domain)).run()
        }

        for t in bundle.tactics {
            try db.prepare(
                """
                INSERT INTO tactics (id, stix_id, domain, shortname, name, description, position, url)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET stix_id = excluded.stix_id, domain = excluded.domain,
                    shortname = excluded.shortname, name = excluded.name, description = excluded.description,
                    position = excluded.position, url = excluded.url
                """
            ).bind(
                .text(t.id), .text(t.stixID), .text(domain), .text(t.shortname), .text(t.name), .text(t.description),
                .int(t.order), .text(t.url)
            ).run()
        }

        var counts = CatalogCounts()
        counts.tactics = bundle.tactics.count
        var added = 0, updated = 0, unchanged = 0
        var revoked: [String: String] = [:]
        for t in bundle.techniques {
            let domains = merged(existingDomains[t.id], t.domains)
            existingDomains[t.id] = domains
            if let old = before[t.id] {
                if old == Fingerprint(t) { unchanged += 1 } else { updated += 1 }
                if t.revoked, !old.revoked { revoked[t.id] = t.revokedBy ?? "" }
            } else {
                added += 1
            }
            if t.isSubtechnique { counts.subtechniques += 1 } else { counts.techniques += 1 }
            if t.revoked { counts.revoked += 1 }
            if t.deprecated { counts.deprecated += 1 }
            try upsert(t, domains: domains)
            try db.prepare("DELETE FROM technique_platforms WHERE technique_id = ?").bind(.text(t.id)).run()
            for platform in Set(t.platforms) {
                try db.prepare("INSERT INTO technique_platforms (technique_id, platform) VALUES (?, ?)")
                    .bind(.text(t.id), .text(platform)).run()
            }
            for shortname in Set(t.tactics) {
                try db.prepare("INSERT INTO technique_tactics (technique_id, domain, shortname) VALUES (?, ?, ?)")
                    .bind(.text(t.id), .text(domain), .text(shortname)).run()
            }
        }

        try writeActors(bundle, counts: &counts)
        try writeMitigations(bundle)
        try writeDetectionModel(bundle)
        counts.mitigations = bundle.mitigations.count
        counts.detectionStrategies = bundle.detectionStrategies.count
        counts.analytics = bundle.analytics.count
        counts.dataComponents = bundle.dataComponents.count

        let countsJSON = String(decoding: try JSONEncoder().encode(counts), as: UTF8.self)
        try db.prepare(
            """
            INSERT INTO catalog_domains
                (domain, name, version, modified, imported_at, source_format, source_files, source_sha256, counts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (domain) DO UPDATE SET name = excluded.name, version = excluded.version,
                modified = excluded.modified, imported_at = excluded.imported_at,
                source_format = excluded.source_format, source_files = excluded.source_files,
                source_sha256 = excluded.source_sha256, counts = excluded.counts
            """
        ).bind(
            .text(domain), .text(bundle.name), .text(bundle.version), StoreTime.value(bundle.modified),
            .int(StoreTime.micros(time)), .text(bundle.source.format.rawValue),
            .text(StringList.encode(bundle.source.files)), .text(bundle.source.sha256), .text(countsJSON)
        ).run()

        return CatalogImportSummary.DomainChanges(
            domain: domain, version: bundle.version, counts: counts, added: added, updated: updated,
            unchanged: unchanged, revoked: revoked, warnings: bundle.warnings)
    }

    private func upsert(_ t: Technique, domains: [String]) throws {
        try db.prepare(
            """
            INSERT INTO techniques (\(SQLCatalogRows.techniqueColumns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET stix_id = excluded.stix_id, name = excluded.name,
                description = excluded.description, tactics = excluded.tactics, platforms = excluded.platforms,
                domains = excluded.domains, is_subtechnique = excluded.is_subtechnique,
                parent_id = excluded.parent_id, subtechnique_ids = excluded.subtechnique_ids,
                mitigation_ids = excluded.mitigation_ids, detection_strategy_ids = excluded.detection_strategy_ids,
                revoked = excluded.revoked, deprecated = excluded.deprecated, revoked_by = excluded.revoked_by,
                url = excluded.url, created = excluded.created, modified = excluded.modified
            """
        ).bind(
            .text(t.id), .text(t.stixID), .text(t.name), .text(t.description), .text(StringList.encode(t.tactics)),
            .text(StringList.encode(t.platforms)), .text(StringList.encode(domains)), .bool(t.isSubtechnique),
            .optional(t.parentID), .text(StringList.encode(t.subtechniqueIDs)),
            .text(StringList.encode(t.mitigationIDs)), .text(StringList.encode(t.detectionStrategyIDs)),
            .bool(t.revoked), .bool(t.deprecated), .optional(t.revokedBy), .text(t.url), StoreTime.value(t.created),
            StoreTime.value(t.modified)
        ).run()
    }

    /// Groups and campaigns can belong to several domains (G0035 is in
    /// Enterprise and ICS): their technique lists are the union of every
    /// domain's links.
    private func writeActors(_ bundle: CatalogBundle, counts: inout CatalogCounts) throws {
        let existingDomains = try domainsByID(table: "actors")
        let knownTechniques = Set(bundle.techniques.map(\.id))
        for a in bundle.actors {
            if a.kind == .group { counts.groups += 1 } else { counts.campaigns += 1 }
            try db.prepare(
                """
                INSERT INTO actors (\(SQLCatalogRows.actorColumns))
                VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET stix_id = excluded.stix_id, name = excluded.name, kind = excluded.kind,
                    aliases = excluded.aliases, description = excluded.description, domains = excluded.domains,
                    revoked = excluded.revoked, deprecated = excluded.deprecated, revoked_by = excluded.revoked_by,
                    url = excluded.url, first_seen = excluded.first_seen, last_seen = excluded.last_seen
                """
            ).bind(
                .text(a.id), .text(a.stixID), .text(a.name), .text(a.kind.rawValue), .text(StringList.encode(a.aliases)),
                .text(a.description), .text(StringList.encode(merged(existingDomains[a.id], a.domains))),
                .bool(a.revoked), .bool(a.deprecated), .optional(a.revokedBy), .text(a.url),
                StoreTime.value(a.firstSeen), StoreTime.value(a.lastSeen)
            ).run()
            for technique in a.techniqueIDs where knownTechniques.contains(technique) {
                try db.prepare("INSERT INTO actor_techniques (actor_id, technique_id, domain) VALUES (?, ?, ?)")
                    .bind(.text(a.id), .text(technique), .text(bundle.domain)).run()
            }
        }
        // Recompute every actor's list from all domains' links.
        var byActor: [String: [String]] = [:]
        for row in try db.prepare("SELECT DISTINCT actor_id, technique_id FROM actor_techniques ORDER BY actor_id, technique_id")
            .rows({ ($0.text(0), $0.text(1)) })
        {
            byActor[row.0, default: []].append(row.1)
        }
        for a in bundle.actors {
            try db.prepare("UPDATE actors SET technique_ids = ? WHERE id = ?")
                .bind(.text(StringList.encode(byActor[a.id] ?? [])), .text(a.id)).run()
        }
    }

    private func writeMitigations(_ bundle: CatalogBundle) throws {
        let existingDomains = try domainsByID(table: "mitigations")
        for m in bundle.mitigations {
            try db.prepare(
                """
                INSERT INTO mitigations (id, stix_id, name, description, technique_ids, domains, revoked, deprecated, url)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET stix_id = excluded.stix_id, name = excluded.name,
                    description = excluded.description, technique_ids = excluded.technique_ids,
                    domains = excluded.domains, revoked = excluded.revoked, deprecated = excluded.deprecated,
                    url = excluded.url
                """
            ).bind(
                .text(m.id), .text(m.stixID), .text(m.name), .text(m.description),
                .text(StringList.encode(m.techniqueIDs)), .text(StringList.encode(merged(existingDomains[m.id], m.domains))),
                .bool(m.revoked), .bool(m.deprecated), .text(m.url)
            ).run()
        }
    }

    /// Detection strategies, analytics, data components, and the flattened
    /// technique -> strategy -> analytic -> data component chain.
    private func writeDetectionModel(_ bundle: CatalogBundle) throws {
        let domain = bundle.domain
        for d in bundle.dataComponents {
            let domains = try currentDomains(table: "data_components", id: d.id)
            try db.prepare(
                """
                INSERT INTO data_components (id, stix_id, name, description, domains, revoked, deprecated)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET stix_id = excluded.stix_id, name = excluded.name,
                    description = excluded.description, domains = excluded.domains, revoked = excluded.revoked,
                    deprecated = excluded.deprecated
                """
            ).bind(
                .text(d.id), .text(d.stixID), .text(d.name), .text(d.description),
                .text(StringList.encode(merged(domains, d.domains))), .bool(d.revoked), .bool(d.deprecated)
            ).run()
        }
        var analyticsByID: [String: Analytic] = [:]
        for a in bundle.analytics {
            analyticsByID[a.id] = a
            let logSources = String(decoding: try JSONEncoder().encode(a.logSources), as: UTF8.self)
            try db.prepare(
                """
                INSERT INTO analytics (id, stix_id, name, description, platforms, log_sources, domains, revoked, deprecated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET stix_id = excluded.stix_id, name = excluded.name,
                    description = excluded.description, platforms = excluded.platforms,
                    log_sources = excluded.log_sources, domains = excluded.domains, revoked = excluded.revoked,
                    deprecated = excluded.deprecated
                """
            ).bind(
                .text(a.id), .text(a.stixID), .text(a.name), .text(a.description), .text(StringList.encode(a.platforms)),
                .text(logSources), .text(StringList.encode(a.domains)), .bool(a.revoked), .bool(a.deprecated)
            ).run()
        }
        for s in bundle.detectionStrategies {
            try db.prepare(
                """
                INSERT INTO detection_strategies
                    (id, stix_id, name, technique_ids, analytic_ids, domains, revoked, deprecated, url)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET stix_id = excluded.stix_id, name = excluded.name,
                    technique_ids = excluded.technique_ids, analytic_ids = excluded.analytic_ids,
                    domains = excluded.domains, revoked = excluded.revoked, deprecated = excluded.deprecated,
                    url = excluded.url
                """
            ).bind(
                .text(s.id), .text(s.stixID), .text(s.name), .text(StringList.encode(s.techniqueIDs)),
                .text(StringList.encode(s.analyticIDs)), .text(StringList.encode(s.domains)), .bool(s.revoked),
                .bool(s.deprecated), .text(s.url)
            ).run()
            guard !s.revoked, !s.deprecated else { continue }
            for technique in s.techniqueIDs {
                for analyticID in s.analyticIDs {
                    guard let analytic = analyticsByID[analyticID] else { continue }
                    for component in Set(analytic.logSources.map(\.dataComponentID)) {
                        try db.prepare(
                            """
                            INSERT INTO detection_links (technique_id, strategy_id, analytic_id, data_component_id, domain)
                            VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                            """
                        ).bind(.text(technique), .text(s.id), .text(analyticID), .text(component), .text(domain)).run()
                    }
                }
            }
        }
    }

    // MARK: - What was there before

    /// What decides whether a technique changed between imports.
    struct Fingerprint: Equatable {
        var name: String
        var modified: Int64?
        var revoked: Bool
        var deprecated: Bool
        var revokedBy: String?

        init(name: String, modified: Int64?, revoked: Bool, deprecated: Bool, revokedBy: String?) {
            self.name = name
            self.modified = modified
            self.revoked = revoked
            self.deprecated = deprecated
            self.revokedBy = revokedBy
        }

        init(_ t: Technique) {
            self.init(
                name: t.name, modified: t.modified.map(StoreTime.micros), revoked: t.revoked, deprecated: t.deprecated,
                revokedBy: t.revokedBy)
        }
    }

    private func existingTechniques() throws -> [String: Fingerprint] {
        var out: [String: Fingerprint] = [:]
        for (id, fingerprint) in try db.prepare(
            "SELECT id, name, modified, revoked, deprecated, revoked_by FROM techniques"
        ).rows({
            ($0.text(0), Fingerprint(name: $0.text(1), modified: $0.optionalInt(2), revoked: $0.bool(3),
                deprecated: $0.bool(4), revokedBy: $0.optionalText(5)))
        }) {
            out[id] = fingerprint
        }
        return out
    }

    private func domainsByID(table: String) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (id, domains) in try db.prepare("SELECT id, domains FROM \(table)").rows({
            ($0.text(0), StringList.decode($0.text(1)))
        }) {
            out[id] = domains
        }
        return out
    }

    private func currentDomains(table: String, id: String) throws -> [String]? {
        try db.prepare("SELECT domains FROM \(table) WHERE id = ?").bind(.text(id)).first { StringList.decode($0.text(0)) }
    }

    private func merged(_ existing: [String]?, _ new: [String]) -> [String] {
        Array(Set((existing ?? []) + new)).sorted()
    }
}
