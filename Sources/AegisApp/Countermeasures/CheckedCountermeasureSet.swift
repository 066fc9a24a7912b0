import AegisDomain

/// A `countermeasure.sync` set, checked: every field within its bounds,
/// ids normalised, links naming countermeasures of the set. Links still
/// name ATT&CK ids as given until `resolved(with:)` follows the catalog.
struct CheckedCountermeasureSet {
    var source: String
    var version: String
    var countermeasures: [Countermeasure]
    /// As given, ids normalised, in order.
    var links: [CountermeasureLink]

    static let maxTechniques = 10_000
    static let maxLinks = 100_000
    static let maxNameLength = 200
    static let maxIRILength = 500
    static let maxDefinitionLength = 10_000
    static let maxArtifacts = 50
    static let maxArtifactLength = 1_000

    /// `INVALID_ARGUMENT` naming the first field at fault, or
    /// `RESOURCE_EXHAUSTED` for more techniques or links than allowed.
    init(_ set: CountermeasureSet) throws(AegisError) {
        let source = try Validate.text(set.source, field: "source", max: 64).lowercased()
        guard ComplianceID.isSlug(source) else {
            throw AegisError.invalidArgument(
                "source", "source must be a slug of a-z, 0-9, '.', '_' and '-', such as d3fend")
        }
        self.source = source
        version = try Validate.text(set.version, field: "version", max: 100)
        try Self.bound(set.techniques.count, Self.maxTechniques, field: "techniques")
        try Self.bound(set.links.count, Self.maxLinks, field: "links")

        var index: [String: Int] = [:]
        var parents: [(Int, String)] = []
        countermeasures = []
        for (i, entry) in set.techniques.enumerated() {
            let field = "techniques[\(i)]"
            let id = try CountermeasureID.parse(entry.id.trimmingCharacters(in: .whitespaces), field: "\(field).id")
            guard index[id] == nil else {
                throw AegisError.invalidArgument("\(field).id", "\(id) is in techniques twice")
            }
            index[id] = i
            guard let tactic = DefensiveTactic(named: entry.tactic.trimmingCharacters(in: .whitespaces)) else {
                throw AegisError.invalidArgument(
                    "\(field).tactic",
                    "\(field).tactic must be one of \(DefensiveTactic.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            var parent: String?
            if let raw = entry.parent?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
                parent = try CountermeasureID.parse(raw, field: "\(field).parent")
                parents.append((i, parent ?? ""))
            }
            countermeasures.append(
                Countermeasure(
                    id: id, name: try Validate.text(entry.name, field: "\(field).name", max: Self.maxNameLength),
                    tactic: tactic, parent: parent,
                    iri: try Validate.optionalText(entry.iri, field: "\(field).iri", max: Self.maxIRILength),
                    definition: try Validate.optionalText(
                        entry.definition, field: "\(field).definition", max: Self.maxDefinitionLength) ?? "",
                    source: source, sourceVersion: version))
        }
        for (i, parent) in parents where index[parent] == nil || index[parent] == i {
            throw AegisError.invalidArgument(
                "techniques[\(i)].parent", "techniques[\(i)].parent must name another technique of this sync")
        }

        links = []
        for (i, link) in set.links.enumerated() {
            let field = "links[\(i)]"
            let technique = try AttackID.technique(
                link.attackID.trimmingCharacters(in: .whitespaces), field: "\(field).attack_id")
            let countermeasure = try CountermeasureID.parse(
                link.countermeasureID.trimmingCharacters(in: .whitespaces), field: "\(field).countermeasure_id")
            guard index[countermeasure] != nil else {
                throw AegisError.invalidArgument(
                    "\(field).countermeasure_id", "\(countermeasure) is not one of this sync's techniques")
            }
            let artifacts = link.artifacts ?? []
            try Self.bound(artifacts.count, Self.maxArtifacts, field: "\(field).artifacts")
            var kept: [String] = []
            for (j, artifact) in artifacts.enumerated() {
                let text = try Validate.text(
                    artifact, field: "\(field).artifacts[\(j)]", max: Self.maxArtifactLength, required: false)
                if !text.isEmpty && !kept.contains(text) { kept.append(text) }
            }
            links.append(CountermeasureLink(countermeasureID: countermeasure, techniqueID: technique, artifacts: kept))
        }
    }

    private static func bound(_ count: Int, _ max: Int, field: String) throws(AegisError) {
        guard count <= max else {
            throw AegisError.resourceExhausted(
                "\(field) holds \(count) items, more than \(max)",
                details: ["field": .string(field), "max_items": .int(Int64(max))])
        }
    }

    /// The links as stored: each ATT&CK id known to the catalog, a revoked
    /// one replaced by its successor (followed while the successor is
    /// revoked too), unknown ones and revoked ones without a known
    /// successor left out; one link per pair, artifacts merged; sorted.
    func resolved(with catalog: [String: TechniqueLineage]) -> ResolvedLinks {
        var resolved = ResolvedLinks()
        struct Pair: Hashable { var countermeasure: String, technique: String }
        var merged: [Pair: [String]] = [:]
        for link in links {
            guard let found = catalog[link.techniqueID] else {
                resolved.unknown[link.techniqueID, default: 0] += 1
                continue
            }
            var target: String? = link.techniqueID
            if found.revoked {
                target = Self.successor(of: link.techniqueID, in: catalog)
                resolved.revoked[link.techniqueID] = target ?? ""
            }
            guard let technique = target else { continue }
            let pair = Pair(countermeasure: link.countermeasureID, technique: technique)
            var artifacts = merged[pair] ?? []
            for a in link.artifacts where !artifacts.contains(a) { artifacts.append(a) }
            merged[pair] = artifacts
        }
        resolved.links = merged.map {
            CountermeasureLink(
                countermeasureID: $0.key.countermeasure, techniqueID: $0.key.technique, artifacts: $0.value)
        }
        .sorted { ($0.countermeasureID, $0.techniqueID) < ($1.countermeasureID, $1.techniqueID) }
        return resolved
    }

    /// The first successor of `id` that is not revoked, or nil when the
    /// chain ends at an unknown or revoked technique (or loops).
    static func successor(of id: String, in catalog: [String: TechniqueLineage]) -> String? {
        var current = id
        for _ in 0..<16 {
            guard let next = catalog[current]?.revokedBy, let lineage = catalog[next] else { return nil }
            if !lineage.revoked { return next }
            current = next
        }
        return nil
    }
}

/// Links resolved against the catalog, and what was left out or moved.
struct ResolvedLinks {
    var links: [CountermeasureLink] = []
    /// Ids the catalog does not know, with the links that named each.
    var unknown: [String: Int] = [:]
    /// Revoked ids, with the successor their links moved to or `""`.
    var revoked: [String: String] = [:]
}
