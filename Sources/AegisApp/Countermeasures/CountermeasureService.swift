import AegisDomain
import Foundation

/// `countermeasure.*`: D3FEND defensive techniques synced from a source,
/// and the ATT&CK techniques each addresses.
public struct CountermeasureService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// Replaces `set.source`'s whole set in one transaction. A repeat of
    /// the stored set writes nothing, audits nothing and announces nothing;
    /// any change is audited and announced with `countermeasure.synced`.
    public func sync(_ set: CountermeasureSet) throws -> CountermeasureSyncResult {
        let checked = try CheckedCountermeasureSet(set)
        let now = env.clock.now()
        return try context.session.write { repos in
            let store = repos.countermeasures
            try store.lockSyncs()
            let owners = try store.owners(of: checked.countermeasures.map(\.id), except: checked.source)
            if let (i, taken) = checked.countermeasures.enumerated().first(where: { owners[$0.element.id] != nil }),
                let owner = owners[taken.id]
            {
                throw AegisError.failedPrecondition(
                    "\(taken.id) is held by the source \(owner)",
                    details: ["field": .string("techniques[\(i)].id"), "source": .string(owner)])
            }
            let resolved = checked.resolved(with: try store.techniqueLineage())
            let changes = CountermeasureChanges(
                from: try store.stored(source: checked.source), to: checked.countermeasures, links: resolved.links,
                version: checked.version)
            let result = CountermeasureSyncResult(
                source: checked.source, version: checked.version, added: changes.added, updated: changes.updated,
                removed: changes.removed.count, unchanged: changes.unchanged, linksAdded: changes.linksAdded,
                linksRemoved: changes.linksRemoved, countermeasures: checked.countermeasures.count,
                links: resolved.links.count, changed: !changes.isEmpty,
                unknownTechniques: Array(
                    resolved.unknown.sorted { $0.key < $1.key }.prefix(CountermeasureSyncResult.unknownListLimit)
                        .map { TechniqueIDCount(id: $0.key, count: $0.value) }),
                unknownLinks: resolved.unknown.values.reduce(0, +), revoked: resolved.revoked)
            guard !changes.isEmpty else { return result }
            try store.apply(
                changes, links: resolved.links, source: checked.source, version: checked.version, at: now,
                by: context.actorID)
            func count(_ n: Int) -> Value { .int(Int64(n)) }
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "countermeasure.sync", "countermeasure_source", checked.source,
                changes: [
                    "version": .string(checked.version), "added": count(result.added), "updated": count(result.updated),
                    "removed": count(result.removed), "links": count(result.links),
                    "links_added": count(result.linksAdded),
                    "links_removed": count(result.linksRemoved), "unknown_links": count(result.unknownLinks),
                ],
                event: .countermeasureSynced,
                payload: [
                    "source": .string(checked.source), "version": .string(checked.version),
                    "added": count(result.added),
                    "updated": count(result.updated), "removed": count(result.removed), "links": count(result.links),
                ])
            return result
        }
    }

    /// By id; `tactic` is a D3FEND tactic in any case, `techniqueID` keeps
    /// those addressing that technique. `""` filters are absent.
    public func list(
        techniqueID: String?, tactic: String?, text: String?, limit: Int?, cursor: String?
    ) throws -> ListResult<Countermeasure> {
        var query = CountermeasureQuery(page: try Cursor.pageRequest(limit: limit, cursor: cursor))
        if let techniqueID, !techniqueID.isEmpty {
            query.techniqueID = try AttackID.technique(techniqueID, field: "technique_id")
        }
        if let tactic, !tactic.isEmpty {
            guard let found = DefensiveTactic(named: tactic) else {
                throw AegisError.invalidArgument(
                    "tactic",
                    "tactic must be one of \(DefensiveTactic.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.tactic = found
        }
        query.text = try Validate.optionalText(text, field: "q", max: 200)
        return ListResult(try context.session.read { try $0.countermeasures.countermeasures(matching: query) })
    }

    /// One countermeasure with the ATT&CK techniques it addresses.
    public func countermeasure(id: String) throws -> CountermeasureDetail {
        let id = try CountermeasureID.parse(id)
        guard let found = try context.session.read({ try $0.countermeasures.countermeasure(id: id) }) else {
            throw AegisError.notFound("countermeasure", id)
        }
        return found
    }
}
