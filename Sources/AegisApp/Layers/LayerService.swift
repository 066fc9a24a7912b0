import AegisDomain
import Foundation

/// `layer.*`: ATT&CK Navigator layers (format 4.5 out; 3.x and 4.x in).
public struct LayerService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// What a layer shows.
    public enum Kind: String, Sendable, Decodable, CaseIterable {
        /// Every technique's score.
        case coverage
        /// A group's or campaign's techniques, with our score.
        case actor
        /// How well each technique is detected (the detection share, 0-100).
        case detection
        /// Score changes between two snapshots (or a snapshot and now), -100 to 100.
        case snapshotDiff = "snapshot_diff"
        /// How many detection rules fire for each technique, named in its comment.
        case rules
    }

    /// What to put in the layer.
    public struct Filters: Sendable {
        public var domain: String?
        /// Only this tactic's techniques (coverage, detection, rules).
        public var tactic: String?
        /// The group or campaign (actor; required there).
        public var actor: String?
        /// The snapshots to compare (snapshot_diff; `from` required).
        public var from: String?
        public var to: String?
        /// Shown as the layer's platform filter.
        public var platforms: [String]?

        public init(
            domain: String? = nil, tactic: String? = nil, actor: String? = nil, from: String? = nil, to: String? = nil,
            platforms: [String]? = nil
        ) {
            self.domain = domain
            self.tactic = tactic
            self.actor = actor
            self.from = from
            self.to = to
            self.platforms = platforms
        }
    }

    public func export(kind: Kind, filters: Filters, name: String?) throws -> LayerExport {
        let name = try Validate.optionalText(name, field: "name", max: 200)
        let platforms = try filters.platforms.map { try Validate.list($0, field: "filters.platforms", maxItems: 50, maxLength: 100) }
        let now = env.clock.now()
        return try context.session.read { repos in
            var domain = try ScoreService.domain(filters.domain)
            var scope = ScoreScope.all
            var onlyTactic: String?
            var title = "Aegis coverage"
            if let tactic = filters.tactic {
                let id = try AttackID.tactic(tactic, field: "filters.tactic")
                guard let found = try repos.catalog.tactic(id: id) else { throw AegisError.notFound("tactic", id) }
                if filters.domain != nil, found.domain != domain {
                    throw AegisError.invalidArgument("filters.domain", "tactic \(id) is in \(found.domain)")
                }
                domain = found.domain
                scope = .tactic(found.shortname)
                onlyTactic = found.shortname
                title += " · \(found.name)"
            }
            let builder: LayerBuilder
            switch kind {
            case .coverage, .detection:
                let scores = try CoverageScores(repos, scope, domain: domain, now: now)
                builder = kind == .coverage
                    ? .coverage(scores, title: title) : .detection(scores, title: title.replacingOccurrences(of: "coverage", with: "detection"))
            case .rules:
                let scores = try CoverageScores(repos, scope, domain: domain, now: now)
                let rules = try repos.scores.techniqueRules(scope, domain: domain, now: now)
                builder = .rules(scores, rules: rules, title: title.replacingOccurrences(of: "coverage", with: "rule coverage"))
            case .actor:
                guard let actorID = filters.actor else { throw AegisError.invalidArgument("filters.actor", "required for an actor layer") }
                let id = try AttackID.actor(actorID, field: "filters.actor")
                guard let actor = try repos.catalog.actor(id: id) else { throw AegisError.notFound("actor", id) }
                let scores = try CoverageScores(repos, .actor(id), domain: domain, now: now)
                builder = .actor(scores, actor: actor)
            case .snapshotDiff:
                guard let from = filters.from else {
                    throw AegisError.invalidArgument("filters.from", "required for a snapshot_diff layer")
                }
                let diff = try SnapshotService(env: env, context: context).diff(from: from, to: filters.to, in: repos, now: now)
                domain = diff.domain
                let tactics = try CoverageScores(repos, .all, domain: domain, now: now).scored
                builder = .snapshotDiff(diff, tactics: Dictionary(tactics.map { ($0.entry.id, $0.tactics) }, uniquingKeysWith: { a, _ in a }))
            }
            let version = try repos.catalog.status().domains.first { $0.domain == domain }?.version
            var layer = builder.layer(domain: domain, attackVersion: version, now: now)
            if let name { layer.name = name }
            // A technique in several tactics: only its entry under this one.
            if let onlyTactic { layer.techniques = layer.techniques.filter { $0.tactic == onlyTactic } }
            layer.platforms = platforms
            let data = try layer.jsonData(pretty: false)
            return LayerExport(
                kind: kind.rawValue, name: layer.name, domain: domain, techniques: Set(layer.techniques.map(\.techniqueID)).count,
                content: String(decoding: data, as: UTF8.self))
        }
    }

    /// Reads a layer (format 3.x or 4.x) and reports what it holds; ids the
    /// catalog does not know are listed, not fatal.
    public func read(content: Data, domain: String?) throws -> LayerReadResult {
        let domain = try ScoreService.domain(domain)
        let known = try knownTechniqueIDs()
        return LayerReadResult(try NavigatorLayerReader.read(content, expectedDomain: domain, knownTechniqueIDs: known))
    }

    /// What `content` covers that we do not (`LayerComparison`).
    public func compare(content: Data, against: String, domain: String?) throws -> LayerCompareResult {
        guard against == "coverage" else { throw AegisError.invalidArgument("against", "must be coverage") }
        let domain = try ScoreService.domain(domain)
        let now = env.clock.now()
        let known = try knownTechniqueIDs()
        let layer = try NavigatorLayerReader.read(content, expectedDomain: domain, knownTechniqueIDs: known)
        let scores = try context.session.read { try CoverageScores($0, .all, domain: domain, now: now) }
        var coverage: [String: LayerComparison.Coverage] = [:]
        for item in scores.scored {
            coverage[item.entry.id] = .init(status: item.entry.status.rawValue, score: item.entry.score)
        }
        return LayerCompareResult(layer: layer, comparison: LayerComparison(layer: layer, coverage: coverage))
    }

    private func knownTechniqueIDs() throws -> Set<String> {
        Set(try context.session.read { try $0.catalog.attackIDsByStixID() }.values.filter { $0.hasPrefix("T") })
    }
}
