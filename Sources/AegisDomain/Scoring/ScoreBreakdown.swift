/// A score and what makes it up, so the number can be explained.
public struct ScoreBreakdown: Sendable, Equatable, Codable {
    /// One weighted part of the score.
    public struct Component: Sendable, Equatable, Codable {
        public var name: String
        /// The component's weight (its maximum points).
        public var weight: Int
        /// How much of the weight is earned, 0-1.
        public var value: Double
        /// `weight × value`, rounded to 0.1.
        public var points: Double
        /// In words, from what.
        public var explanation: String

        public init(name: String, weight: Int, value: Double, explanation: String) {
            self.name = name
            self.weight = weight
            self.value = value
            self.points = ScoreBreakdown.round(Double(weight) * value)
            self.explanation = explanation
        }
    }

    /// 0-100, rounded to 0.1.
    public var score: Double
    public var components: [Component]

    public init(components: [Component]) {
        self.components = components
        self.score = ScoreBreakdown.round(components.reduce(0) { $0 + Double($1.weight) * $1.value })
    }

    static func round(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
