/// The score of a set of techniques (a tactic, an actor's techniques, the
/// whole matrix): the mean of their technique scores, with the mean of each
/// component, how many techniques have each status, and the weakest ones.
public struct GroupScore: Sendable, Equatable, Codable {
    /// A technique's place in a group score.
    public struct Entry: Sendable, Equatable, Codable {
        public var id: String
        public var name: String
        public var status: TechniqueStatus
        public var score: Double

        public init(id: String, name: String, status: TechniqueStatus, score: Double) {
            self.id = id
            self.name = name
            self.status = status
            self.score = score
        }
    }

    /// Mean technique score, 0-100 (0 for no techniques).
    public var score: Double
    public var techniques: Int
    /// Techniques per status (every status present, zeros included).
    public var statuses: [String: Int]
    /// Each component's mean value and points over the techniques.
    public var components: [ScoreBreakdown.Component]
    /// The lowest-scored techniques, at most `weakestCount`, lowest first.
    public var weakest: [Entry]

    public static let weakestCount = 10

    /// Groups `scored` techniques (each once).
    public init(_ scored: [(entry: Entry, breakdown: ScoreBreakdown)], weights: ScoreWeights) {
        techniques = scored.count
        let n = Double(max(1, scored.count))
        score = ScoreBreakdown.round(scored.reduce(0) { $0 + $1.breakdown.score } / n)
        var statuses = Dictionary(uniqueKeysWithValues: TechniqueStatus.allCases.map { ($0.rawValue, 0) })
        for item in scored { statuses[item.entry.status.rawValue, default: 0] += 1 }
        self.statuses = statuses
        components = weights.named.enumerated().map { index, named in
            let mean = scored.reduce(0) { sum, item in
                sum + (index < item.breakdown.components.count ? item.breakdown.components[index].value : 0)
            } / n
            return ScoreBreakdown.Component(
                name: named.name, weight: named.weight, value: (mean * 1000).rounded() / 1000,
                explanation: "mean over \(scored.count) technique\(scored.count == 1 ? "" : "s")")
        }
        weakest = Array(
            scored.map(\.entry).sorted { ($0.score, $0.id) < ($1.score, $1.id) }.prefix(Self.weakestCount))
    }
}
