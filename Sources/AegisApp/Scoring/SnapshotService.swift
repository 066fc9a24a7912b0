import AegisDomain
import Foundation

/// `snapshot.*`: the coverage of a domain kept at a moment, and what
/// improved or regressed between two moments.
public struct SnapshotService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// Scores the domain now and keeps it; audited, announced as
    /// `snapshot.created`. `name` defaults to the date.
    public func create(name: String?, domain: String?) throws -> Snapshot {
        let domain = try ScoreService.domain(domain)
        let name = try Validate.optionalText(name, field: "name", max: 200)
        let now = env.clock.now()
        let id = env.crypto.newID(prefix: "snp_")
        // Scored in a read (the writer is not held for it), kept in a write.
        let (snapshot, techniques) = try context.session.read { repos in
            let scores = try CoverageScores(repos, .all, domain: domain, now: now)
            let group = scores.group
            let snapshot = Snapshot(
                id: id, name: name ?? Self.dayFormat(now), domain: domain, createdAt: now, createdBy: context.actorID,
                weightsVersion: scores.weights.version, score: group.score, techniques: group.techniques,
                statuses: group.statuses, tactics: scores.tacticScores(try repos.catalog.tactics(domain: domain)))
            let techniques = scores.scored.map {
                TechniqueScoreLine(techniqueID: $0.entry.id, name: $0.entry.name, status: $0.entry.status, score: $0.entry.score)
            }
            return (snapshot, techniques)
        }
        return try context.session.write { repos in
            try repos.snapshots.insert(snapshot, techniques: techniques)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "snapshot.create", "snapshot", id, changes: ["name": .string(snapshot.name), "domain": .string(domain)],
                event: .snapshotCreated,
                payload: ["name": .string(snapshot.name), "domain": .string(domain), "score": .double(snapshot.score)])
            return snapshot
        }
    }

    public func get(id: String) throws -> SnapshotDetail {
        let id = try Self.snapshotID(id, field: "id")
        return try context.session.read { repos in
            guard let snapshot = try repos.snapshots.snapshot(id: id) else { throw AegisError.notFound("snapshot", id) }
            return SnapshotDetail(snapshot: snapshot, techniques: try repos.snapshots.techniques(snapshotID: id))
        }
    }

    public func list(limit: Int?, cursor: String?) throws -> ListResult<Snapshot> {
        let page = try Cursor.pageRequest(limit: limit, cursor: cursor)
        return ListResult(try context.session.read { try $0.snapshots.snapshots(page: page) })
    }

    /// What changed from snapshot `from` to snapshot `to`, or to the
    /// coverage now when `to` is nil.
    public func diff(from: String, to: String?) throws -> SnapshotDiff {
        let now = env.clock.now()
        return try context.session.read { repos in try diff(from: from, to: to, in: repos, now: now) }
    }

    /// `diff(from:to:)` inside a read already open.
    func diff(from: String, to: String?, in repos: any Repositories, now: Date) throws -> SnapshotDiff {
        let from = try Self.snapshotID(from, field: "from")
        let to = try to.map { try Self.snapshotID($0, field: "to") }
        guard let old = try repos.snapshots.snapshot(id: from) else { throw AegisError.notFound("snapshot", from) }
        let oldTechniques = try repos.snapshots.techniques(snapshotID: from)
        let new: Snapshot
        let newTechniques: [TechniqueScoreLine]
        if let to {
            guard let found = try repos.snapshots.snapshot(id: to) else { throw AegisError.notFound("snapshot", to) }
            guard found.domain == old.domain else {
                throw AegisError.invalidArgument("to", "snapshot \(to) is of \(found.domain), \(from) of \(old.domain)")
            }
            new = found
            newTechniques = try repos.snapshots.techniques(snapshotID: to)
        } else {
            let scores = try CoverageScores(repos, .all, domain: old.domain, now: now)
            let group = scores.group
            new = Snapshot(
                id: "", name: "now", domain: old.domain, createdAt: now, createdBy: nil,
                weightsVersion: scores.weights.version, score: group.score, techniques: group.techniques,
                statuses: group.statuses, tactics: scores.tacticScores(try repos.catalog.tactics(domain: old.domain)))
            newTechniques = scores.scored.map {
                TechniqueScoreLine(techniqueID: $0.entry.id, name: $0.entry.name, status: $0.entry.status, score: $0.entry.score)
            }
        }
        return SnapshotDiff(from: old, fromTechniques: oldTechniques, to: to == nil ? nil : new, toNow: new,
            toTechniques: newTechniques)
    }

    static func snapshotID(_ id: String, field: String) throws(AegisError) -> String {
        let trimmed = id.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("snp_"), trimmed.count <= 64,
            trimmed.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "_" })
        else { throw AegisError.invalidArgument(field, "not a snapshot id (snp_…)") }
        return trimmed
    }

    static func dayFormat(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}
