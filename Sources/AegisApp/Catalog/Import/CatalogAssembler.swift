import AegisDomain
import Foundation

/// Resolves a `RawCatalog`'s STIX references into ATT&CK ids and builds
/// the `CatalogBundle` a store imports.
struct CatalogAssembler {
    let file: String
    let source: CatalogSource
    /// ATT&CK ids of objects already in the catalog, by STIX id: a
    /// `revoked-by` may name a successor outside the bundle. Every other
    /// relationship is resolved within the bundle alone, so an import's
    /// result never depends on what was imported before.
    let knownIDs: [String: String]

    func assemble(_ raw: RawCatalog) throws(CatalogImportError) -> CatalogBundle {
        guard let domain = raw.domain else {
            throw CatalogImportError(file: file, objectID: nil, reason: "cannot tell which ATT&CK domain this is")
        }
        guard !raw.techniques.isEmpty else {
            throw CatalogImportError(file: file, objectID: nil, reason: "no techniques (attack-pattern objects)")
        }
        var ids: [String: String] = [:]
        var warnings: [String] = []
        let groups: [[RawCatalog.Object]] = [
            raw.tactics, raw.techniques, raw.groups, raw.campaigns, raw.mitigations, raw.detectionStrategies,
            raw.analytics, raw.dataComponents,
        ]
        for group in groups {
            var seen = Set<String>()
            for object in group {
                guard let external = object.externalID, !external.isEmpty else {
                    throw CatalogImportError(file: file, objectID: object.stixID, reason: "no ATT&CK id (external_id)")
                }
                guard seen.insert(external).inserted else {
                    throw CatalogImportError(file: file, objectID: object.stixID, reason: "duplicate ATT&CK id \(external)")
                }
                ids[object.stixID] = external
            }
        }

        // Relationships, resolved to ATT&CK ids and grouped by kind.
        var parents: [String: String] = [:]
        var uses: [String: Set<String>] = [:]
        var mitigates: [String: Set<String>] = [:]
        var detects: [String: Set<String>] = [:]  // technique -> strategies
        var detected: [String: Set<String>] = [:]  // strategy -> techniques
        var revokedBy: [String: String] = [:]
        var skipped = 0
        let techniqueStix = Set(raw.techniques.map(\.stixID))
        for r in raw.relationships {
            switch r.type {
            case "subtechnique-of", "uses", "mitigates", "detects", "revoked-by": break
            default: continue
            }
            let target = ids[r.target] ?? (r.type == "revoked-by" ? knownIDs[r.target] : nil)
            guard let source = ids[r.source], let target else {
                // Software and other kinds the catalog does not hold.
                if r.type != "uses" || techniqueStix.contains(r.target) { skipped += 1 }
                continue
            }
            switch r.type {
            case "subtechnique-of": parents[source] = target
            case "uses" where techniqueStix.contains(r.target): uses[source, default: []].insert(target)
            case "mitigates": mitigates[source, default: []].insert(target)
            case "detects":
                detects[target, default: []].insert(source)
                detected[source, default: []].insert(target)
            case "revoked-by": revokedBy[source] = target
            default: break
            }
        }
        if skipped > 0 { warnings.append("\(skipped) relationships point to objects outside this catalog; skipped") }

        let tactics = orderedTactics(raw, domain: domain, ids: ids)
        let domainShortnames = Set(tactics.map(\.shortname))

        var mitigationsByTechnique: [String: [String]] = [:]
        for (m, techniques) in mitigates { for t in techniques { mitigationsByTechnique[t, default: []].append(m) } }
        var childrenByParent: [String: [String]] = [:]

        var techniques: [Technique] = []
        techniques.reserveCapacity(raw.techniques.count)
        for o in raw.techniques {
            let id = ids[o.stixID] ?? ""
            var parent = parents[id]
            if parent == nil, o.isSubtechnique, let dot = id.firstIndex(of: ".") { parent = String(id[..<dot]) }
            if let parent { childrenByParent[parent, default: []].append(id) }
            for t in o.tactics where !domainShortnames.contains(t) && !o.revoked && !o.deprecated {
                warnings.append("\(id): unknown tactic \(t)")
            }
            techniques.append(
                Technique(
                    id: id, stixID: o.stixID, name: o.name, description: o.description, tactics: o.tactics,
                    platforms: o.platforms, domains: o.domains.isEmpty ? [domain] : o.domains,
                    isSubtechnique: o.isSubtechnique || parent != nil, parentID: parent,
                    mitigationIDs: (mitigationsByTechnique[id] ?? []).sorted(),
                    detectionStrategyIDs: (detects[id] ?? []).sorted(), revoked: o.revoked, deprecated: o.deprecated,
                    revokedBy: revokedBy[id], url: o.url, created: o.created, modified: o.modified))
        }
        for i in techniques.indices { techniques[i].subtechniqueIDs = (childrenByParent[techniques[i].id] ?? []).sorted() }

        func actor(_ o: RawCatalog.Object, _ kind: ThreatActor.Kind) -> ThreatActor {
            let id = ids[o.stixID] ?? ""
            return ThreatActor(
                id: id, stixID: o.stixID, name: o.name, kind: kind, aliases: o.aliases, description: o.description,
                techniqueIDs: (uses[id] ?? []).sorted(), domains: o.domains.isEmpty ? [domain] : o.domains,
                revoked: o.revoked, deprecated: o.deprecated, revokedBy: revokedBy[id], url: o.url,
                firstSeen: o.firstSeen, lastSeen: o.lastSeen)
        }

        let strategies = raw.detectionStrategies.map { o -> DetectionStrategy in
            let id = ids[o.stixID] ?? ""
            let analytics = o.analyticRefs.compactMap { ids[$0] }
            return DetectionStrategy(
                id: id, stixID: o.stixID, name: o.name, techniqueIDs: (detected[id] ?? []).sorted(),
                analyticIDs: analytics, domains: o.domains.isEmpty ? [domain] : o.domains, revoked: o.revoked,
                deprecated: o.deprecated, url: o.url)
        }

        return CatalogBundle(
            domain: domain, name: raw.name, version: raw.version, modified: raw.modified, source: source,
            tactics: tactics, techniques: techniques,
            actors: raw.groups.map { actor($0, .group) } + raw.campaigns.map { actor($0, .campaign) },
            mitigations: raw.mitigations.map { o in
                let id = ids[o.stixID] ?? ""
                return Mitigation(
                    id: id, stixID: o.stixID, name: o.name, description: o.description,
                    techniqueIDs: (mitigates[id] ?? []).sorted(), domains: o.domains.isEmpty ? [domain] : o.domains,
                    revoked: o.revoked, deprecated: o.deprecated, url: o.url)
            },
            detectionStrategies: strategies,
            analytics: raw.analytics.map { o in
                Analytic(
                    id: ids[o.stixID] ?? "", stixID: o.stixID, name: o.name, description: o.description,
                    platforms: o.platforms,
                    logSources: o.logSources.compactMap { s in
                        ids[s.ref].map { Analytic.LogSource(dataComponentID: $0, name: s.name, channel: s.channel) }
                    },
                    domains: o.domains.isEmpty ? [domain] : o.domains, revoked: o.revoked, deprecated: o.deprecated)
            },
            dataComponents: raw.dataComponents.map { o in
                DataComponent(
                    id: ids[o.stixID] ?? "", stixID: o.stixID, name: o.name, description: o.description,
                    domains: o.domains.isEmpty ? [domain] : o.domains, revoked: o.revoked, deprecated: o.deprecated)
            },
            warnings: Array(warnings.prefix(50)))
    }

    /// The domain's tactics in matrix order, then any the matrix omits.
    private func orderedTactics(_ raw: RawCatalog, domain: String, ids: [String: String]) -> [Tactic] {
        var position: [String: Int] = [:]
        for (i, ref) in raw.matrixTacticRefs.enumerated() where position[ref] == nil { position[ref] = i }
        let sorted = raw.tactics.enumerated().sorted { a, b in
            (position[a.element.stixID] ?? Int.max, a.offset) < (position[b.element.stixID] ?? Int.max, b.offset)
        }
        return sorted.enumerated().map { order, entry in
            let o = entry.element
            return Tactic(
                id: ids[o.stixID] ?? "", stixID: o.stixID, shortname: o.shortname, name: o.name,
                description: o.description, order: order + 1, domain: domain, url: o.url)
        }
    }
}
