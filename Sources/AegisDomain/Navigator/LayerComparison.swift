/// What an imported layer covers that our tests do not.
///
/// The rule, per technique id (entries of one id under several tactics
/// count once):
/// - The layer covers a technique when at least one of its entries for it
///   is enabled and has either no score or a score above 0.
/// - We cover a technique when our status is anything but `untested`,
///   `in_progress`, `missed` or `logged` (that is `detected`, `prevented`,
///   `partial`); a technique missing from our coverage is not covered.
/// - A gap is a technique the layer covers and we do not.
/// - A technique the layer covers but the catalog does not know (in
///   `ImportedLayer.unknownTechniqueIDs`) is counted as unknown, not as a
///   gap or as covered.
///
/// So `inLayerCount == coveredByUsCount + gapCount + unknownCount`.
public struct LayerComparison: Sendable, Equatable {
    /// Our coverage of one technique.
    public struct Coverage: Sendable, Equatable {
        /// A `TechniqueStatus` raw value: `untested`, `in_progress`, `detected`...
        public var status: String
        public var score: Double

        public init(status: String, score: Double) {
            self.status = status
            self.score = score
        }
    }

    /// A technique the layer covers and we do not.
    public struct Gap: Sendable, Equatable {
        public var techniqueID: String
        /// Tactics named by the layer's covering entries, sorted; empty when
        /// none names one.
        public var tactics: [String]
        /// Highest score of the covering entries; nil when none is scored.
        public var layerScore: Double?
        /// Our status; nil when we have none for the technique.
        public var status: String?
        /// Our score; nil when we have no coverage entry.
        public var score: Double?

        public init(techniqueID: String, tactics: [String], layerScore: Double?, status: String?, score: Double?) {
            self.techniqueID = techniqueID
            self.tactics = tactics
            self.layerScore = layerScore
            self.status = status
            self.score = score
        }
    }

    /// Statuses that do not count as covered by us.
    public static let gapStatuses: Set<String> = Set(
        [TechniqueStatus.untested, .inProgress, .missed, .logged].map(\.rawValue))

    /// Sorted by technique id.
    public var gaps: [Gap]
    /// Techniques the layer covers that the catalog does not know; sorted.
    public var unknownTechniqueIDs: [String]
    /// Techniques the layer covers.
    public var inLayerCount: Int
    /// Of those, the ones we cover.
    public var coveredByUsCount: Int
    public var gapCount: Int { gaps.count }
    public var unknownCount: Int { unknownTechniqueIDs.count }

    /// Compares `layer` with `coverage`, keyed by upper-case technique id.
    public init(layer: ImportedLayer, coverage: [String: Coverage]) {
        var covering: [String: [ImportedLayer.Technique]] = [:]
        for entry in layer.techniques where entry.enabled && (entry.score ?? 1) > 0 {
            covering[entry.techniqueID, default: []].append(entry)
        }
        let unknown = Set(layer.unknownTechniqueIDs)
        var gaps: [Gap] = []
        var unknownIDs: [String] = []
        var covered = 0
        for (id, entries) in covering {
            if unknown.contains(id) {
                unknownIDs.append(id)
                continue
            }
            let ours = coverage[id]
            if let ours, !Self.gapStatuses.contains(ours.status) {
                covered += 1
                continue
            }
            gaps.append(
                Gap(
                    techniqueID: id, tactics: Set(entries.compactMap(\.tactic)).sorted(),
                    layerScore: entries.compactMap(\.score).max(), status: ours?.status, score: ours?.score))
        }
        self.gaps = gaps.sorted { $0.techniqueID < $1.techniqueID }
        self.unknownTechniqueIDs = unknownIDs.sorted()
        self.inLayerCount = covering.count
        self.coveredByUsCount = covered
    }
}
