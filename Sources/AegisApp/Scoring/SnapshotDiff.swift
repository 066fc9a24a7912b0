import AegisDomain
import Foundation

/// `snapshot.get`: a snapshot with every technique's score and status.
public struct SnapshotDetail: Sendable, Encodable {
    public var snapshot: Snapshot
    public var techniques: [TechniqueScoreLine]
}

/// `snapshot.diff`: what improved and what regressed, per technique and
/// per tactic, between two snapshots (or a snapshot and now).
public struct SnapshotDiff: Sendable, Encodable {
    /// One side of the comparison.
    public struct Side: Sendable, Encodable {
        /// Nil for "now".
        public var id: String?
        public var name: String
        public var createdAt: Date
        public var score: Double
        public var weightsVersion: Int

        enum CodingKeys: String, CodingKey {
            case id, name, score
            case createdAt = "created_at"
            case weightsVersion = "weights_version"
        }
    }

    /// A technique whose score or status changed.
    public struct TechniqueChange: Sendable, Encodable {
        public var techniqueID: String
        public var name: String
        /// Nil when the technique was not in that side.
        public var fromScore: Double?
        public var toScore: Double?
        public var delta: Double
        public var fromStatus: TechniqueStatus?
        public var toStatus: TechniqueStatus?

        enum CodingKeys: String, CodingKey {
            case name, delta
            case techniqueID = "technique_id"
            case fromScore = "from_score"
            case toScore = "to_score"
            case fromStatus = "from_status"
            case toStatus = "to_status"
        }
    }

    /// A tactic's score on both sides.
    public struct TacticChange: Sendable, Encodable {
        public var id: String
        public var name: String
        public var fromScore: Double
        public var toScore: Double
        public var delta: Double

        enum CodingKeys: String, CodingKey {
            case id, name, delta
            case fromScore = "from_score"
            case toScore = "to_score"
        }
    }

    public var domain: String
    public var from: Side
    public var to: Side
    public var scoreDelta: Double
    /// Score up, or status better at equal score; largest rise first.
    public var improved: [TechniqueChange]
    /// Score down, or status worse at equal score; largest fall first.
    public var regressed: [TechniqueChange]
    public var unchanged: Int
    public var tactics: [TacticChange]
    /// True when the two sides were scored under different weights (the
    /// deltas then mix coverage and weighting).
    public var weightsDiffer: Bool

    enum CodingKeys: String, CodingKey {
        case domain, from, to, improved, regressed, unchanged, tactics
        case scoreDelta = "score_delta"
        case weightsDiffer = "weights_differ"
    }

    init(
        from old: Snapshot, fromTechniques: [TechniqueScoreLine], to new: Snapshot?, toNow current: Snapshot,
        toTechniques: [TechniqueScoreLine]
    ) {
        let newSide = new ?? current
        domain = old.domain
        from = Side(id: old.id, name: old.name, createdAt: old.createdAt, score: old.score, weightsVersion: old.weightsVersion)
        to = Side(
            id: new?.id, name: newSide.name, createdAt: newSide.createdAt, score: newSide.score,
            weightsVersion: newSide.weightsVersion)
        scoreDelta = Self.round(newSide.score - old.score)
        weightsDiffer = old.weightsVersion != newSide.weightsVersion
        let before = Dictionary(fromTechniques.map { ($0.techniqueID, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(toTechniques.map { ($0.techniqueID, $0) }, uniquingKeysWith: { a, _ in a })
        var improved: [TechniqueChange] = []
        var regressed: [TechniqueChange] = []
        var unchanged = 0
        for id in Set(before.keys).union(after.keys).sorted() {
            let a = before[id], b = after[id]
            let delta = Self.round((b?.score ?? 0) - (a?.score ?? 0))
            let change = TechniqueChange(
                techniqueID: id, name: b?.name ?? a?.name ?? "", fromScore: a?.score, toScore: b?.score, delta: delta,
                fromStatus: a?.status, toStatus: b?.status)
            let statusRank = Self.rank(b?.status) - Self.rank(a?.status)
            if delta > 0 || (delta == 0 && statusRank > 0) {
                improved.append(change)
            } else if delta < 0 || (delta == 0 && statusRank < 0) {
                regressed.append(change)
            } else {
                unchanged += 1
            }
        }
        self.improved = improved.sorted { ($1.delta, $0.techniqueID) < ($0.delta, $1.techniqueID) }
        self.regressed = regressed.sorted { ($0.delta, $0.techniqueID) < ($1.delta, $1.techniqueID) }
        self.unchanged = unchanged
        let oldTactics = Dictionary(old.tactics.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        tactics = newSide.tactics.map { t in
            let was = oldTactics[t.id]?.score ?? 0
            return TacticChange(id: t.id, name: t.name, fromScore: was, toScore: t.score, delta: Self.round(t.score - was))
        }
    }

    /// Statuses from worst to best, for telling a change of status apart.
    private static func rank(_ status: TechniqueStatus?) -> Int {
        switch status {
        case nil: -1
        case .untested?: 0
        case .inProgress?: 1
        case .missed?: 2
        case .logged?: 3
        case .partial?: 4
        case .detected?: 5
        case .prevented?: 6
        }
    }

    private static func round(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
