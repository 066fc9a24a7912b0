import AegisDomain
import Foundation

/// `score.*` and `visibility.set`: technique, tactic, actor and organisation
/// scores (docs/SCORING.md), the weights behind them, and the visibility
/// levels set by hand. Scores are computed from maintained coverage rows in
/// one aggregation per call.
public struct ScoreService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    public static let defaultDomain = "enterprise-attack"
    static let domains: Set<String> = ["enterprise-attack", "mobile-attack", "ics-attack"]

    // MARK: Weights

    /// The weights in force (version 0: the defaults, nobody set any).
    public func weights() throws -> ScoreWeights {
        try context.session.read { try $0.scores.weights() } ?? .defaults
    }

    /// Sets new weights, quoting the `version` in force (`CONFLICT` if it
    /// changed meanwhile); audited, and announced as `score.weights_changed`.
    public func setWeights(_ given: ScoreWeights, version: Int) throws -> ScoreWeights {
        try given.validate()
        let now = env.clock.now()
        return try context.session.write { repos in
            let current = try repos.scores.weights() ?? .defaults
            try Versioning.check(kind: "score weights", current: current.version, given: version)
            var next = given
            next.version = current.version + 1
            next.setAt = now
            next.setBy = context.actorID
            try repos.scores.insertWeights(next)
            var changes: [String: Value] = [:]
            for ((name, old), (_, new)) in zip(current.named, next.named) where old != new {
                changes[name] = .map(["from": .int(Int64(old)), "to": .int(Int64(new))])
            }
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "score.weights.set", "score_weights", String(next.version), changes: changes,
                event: .scoreWeightsChanged, payload: ["version": .int(Int64(next.version))])
            return next
        }
    }

    // MARK: Visibility

    /// Sets a technique's visibility by hand (0-4), or clears it with nil;
    /// the technique's score (in its first domain) afterwards.
    public func setVisibility(techniqueID: String, level: Int?, note: String?) throws -> TechniqueScoreResult {
        let id = try AttackID.technique(techniqueID, field: "technique_id")
        if let level, !(0...4).contains(level) { throw AegisError.invalidArgument("level", "must be between 0 and 4") }
        let note = try Validate.optionalText(note, field: "note", max: 2000) ?? ""
        let now = env.clock.now()
        let domain = try context.session.write { repos in
            guard let technique = try repos.catalog.technique(id: id) else { throw AegisError.notFound("technique", id) }
            let visibility = level.map { TechniqueVisibility(level: $0, note: note, updatedAt: now, updatedBy: context.actorID) }
            try repos.scores.setVisibility(visibility, techniqueID: id)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "visibility.set", "technique", id,
                changes: ["visibility": level.map { .int(Int64($0)) } ?? .null, "note": .string(note)],
                event: .techniqueVisibilityChanged, payload: ["level": level.map { .int(Int64($0)) } ?? .null])
            return technique.domains.first
        }
        return try technique(id: id, domain: domain)
    }

    // MARK: Collected data components

    /// `data_component.list`: the domain's data components and whether the
    /// team collects each (visibility is derived from them).
    public func dataComponents(domain: String?) throws -> [DataComponentCollection] {
        let domain = try Self.domain(domain)
        return try context.session.read { try $0.scores.dataComponents(domain: domain) }
    }

    /// `data_component.set_collected`: records that the team collects (or
    /// no longer collects) the data components `ids` (`DC0001`…) of the
    /// domain; audited, announced as `data_component.collection_changed`.
    public func setCollected(ids: [String], collected: Bool, domain: String?) throws -> CollectionChange {
        let domain = try Self.domain(domain)
        guard !ids.isEmpty, ids.count <= 500 else {
            throw AegisError.invalidArgument("ids", "give between 1 and 500 data component ids")
        }
        let ids = Array(Set(ids.map { $0.trimmingCharacters(in: .whitespaces).uppercased() })).sorted()
        let now = env.clock.now()
        return try context.session.write { repos in
            let known = Set(try repos.scores.dataComponents(domain: domain).map(\.id))
            let unknown = ids.filter { !known.contains($0) }
            guard unknown.isEmpty else {
                throw AegisError(
                    .invalidArgument, "not data components of \(domain): \(unknown.prefix(10).joined(separator: ", "))",
                    details: ["field": .string("ids")])
            }
            let changed = try repos.scores.setCollected(ids, collected: collected, at: now, by: context.actorID)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "data_component.set_collected", "data_components", domain,
                changes: ["ids": .array(ids.map(Value.string)), "collected": .bool(collected)],
                event: .dataComponentCollectionChanged,
                payload: ["ids": .array(ids.map(Value.string)), "collected": .bool(collected), "changed": .int(Int64(changed))])
            return CollectionChange(changed: changed, collected: try repos.scores.dataComponents(domain: domain).filter(\.collected).count)
        }
    }

    /// What `data_component.set_collected` changed.
    public struct CollectionChange: Sendable, Encodable {
        /// Data components whose state changed.
        public var changed: Int
        /// Data components of the domain now collected.
        public var collected: Int
    }

    // MARK: Scores

    public func technique(id: String, domain: String?) throws -> TechniqueScoreResult {
        let id = try AttackID.technique(id)
        let domain = try Self.domain(domain)
        let now = env.clock.now()
        let (weights, rows, visibility) = try context.session.read { repos in
            guard try repos.catalog.technique(id: id) != nil else { throw AegisError.notFound("technique", id) }
            return (
                try repos.scores.weights() ?? .defaults, try repos.scores.scoreRows(.technique(id), domain: domain, now: now),
                try repos.scores.visibility(techniqueID: id)
            )
        }
        guard let row = rows.first else {
            throw AegisError(.notFound, "technique \(id) is not in \(domain), or is revoked or deprecated",
                details: ["kind": .string("technique"), "id": .string(id)])
        }
        let breakdown = TechniqueScoring.score(row.evidence, weights: weights)
        let e = row.evidence
        return TechniqueScoreResult(
            techniqueID: row.techniqueID, name: row.name, tactics: row.tactics, status: row.status, score: breakdown.score,
            components: breakdown.components,
            procedures: .init(validated: e.procedures, prevented: e.prevented, detected: e.detected, logged: e.logged, missed: e.missed),
            visibility: visibility, weightsVersion: weights.version, computedAt: now)
    }

    public func tactic(id: String, domain: String?) throws -> GroupScoreResult {
        let id = try AttackID.tactic(id)
        let now = env.clock.now()
        return try context.session.read { repos in
            guard let tactic = try repos.catalog.tactic(id: id) else { throw AegisError.notFound("tactic", id) }
            if let domain, try Self.domain(domain) != tactic.domain {
                throw AegisError.invalidArgument("domain", "tactic \(id) is in \(tactic.domain)")
            }
            let scores = try CoverageScores(repos, .tactic(tactic.shortname), domain: tactic.domain, now: now)
            return result(kind: "tactic", id: tactic.id, name: tactic.name, domain: tactic.domain, scores, now: now)
        }
    }

    public func actor(id: String, domain: String?) throws -> GroupScoreResult {
        let id = try AttackID.actor(id)
        let domain = try Self.domain(domain)
        let now = env.clock.now()
        return try context.session.read { repos in
            guard let actor = try repos.catalog.actor(id: id) else { throw AegisError.notFound("actor", id) }
            let scores = try CoverageScores(repos, .actor(id), domain: domain, now: now)
            var out = result(kind: "actor", id: actor.id, name: actor.name, domain: domain, scores, now: now)
            out.techniqueScores = scores.scored.map(\.entry)
            return out
        }
    }

    public func org(domain: String?) throws -> GroupScoreResult {
        let domain = try Self.domain(domain)
        let now = env.clock.now()
        return try context.session.read { repos in
            let scores = try CoverageScores(repos, .all, domain: domain, now: now)
            var out = result(kind: "org", id: nil, name: nil, domain: domain, scores, now: now)
            out.tactics = scores.tacticScores(try repos.catalog.tactics(domain: domain))
            return out
        }
    }

    // MARK: Helpers

    private func result(
        kind: String, id: String?, name: String?, domain: String, _ scores: CoverageScores, now: Date
    ) -> GroupScoreResult {
        let group = scores.group
        return GroupScoreResult(
            kind: kind, id: id, name: name, domain: domain, score: group.score, techniques: group.techniques,
            statuses: group.statuses, components: group.components, weakest: group.weakest, tactics: nil,
            techniqueScores: nil, weightsVersion: scores.weights.version, computedAt: now)
    }

    static func domain(_ domain: String?) throws(AegisError) -> String {
        guard let domain else { return defaultDomain }
        guard domains.contains(domain) else {
            throw AegisError.invalidArgument("domain", "must be one of \(domains.sorted().joined(separator: ", "))")
        }
        return domain
    }
}
