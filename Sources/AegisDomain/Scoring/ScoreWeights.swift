import Foundation

/// How much each part of a technique's coverage counts toward its score:
/// five whole-number weights that sum to 100 (docs/SCORING.md). Versioned:
/// each change is a new version, audited.
public struct ScoreWeights: Sendable, Equatable, Codable {
    /// Share of procedures whose latest validated test was prevented.
    public var prevention: Int
    /// Share of procedures detected (prevented counts; logged counts half).
    public var detection: Int
    /// Enabled detection rules mapped to the technique.
    public var rules: Int
    /// Data-source visibility, 0-4.
    public var visibility: Int
    /// How recent the validations are.
    public var freshness: Int
    /// 0 for the built-in defaults, then 1, 2... per change.
    public var version: Int
    public var setAt: Date?
    public var setBy: String?

    public init(
        prevention: Int, detection: Int, rules: Int, visibility: Int, freshness: Int, version: Int = 0,
        setAt: Date? = nil, setBy: String? = nil
    ) {
        self.prevention = prevention
        self.detection = detection
        self.rules = rules
        self.visibility = visibility
        self.freshness = freshness
        self.version = version
        self.setAt = setAt
        self.setBy = setBy
    }

    /// Until someone sets weights: outcomes count most, prevention a little
    /// less than detection (a prevented procedure also earns detection).
    public static let defaults = ScoreWeights(prevention: 25, detection: 35, rules: 10, visibility: 20, freshness: 10)

    /// The weights by component name, in a fixed order.
    public var named: [(name: String, weight: Int)] {
        [("prevention", prevention), ("detection", detection), ("rules", rules), ("visibility", visibility),
         ("freshness", freshness)]
    }

    /// Throws `INVALID_ARGUMENT` unless every weight is 0-100 and they sum to 100.
    public func validate() throws(AegisError) {
        for (name, weight) in named where !(0...100).contains(weight) {
            throw AegisError.invalidArgument(name, "must be between 0 and 100")
        }
        let sum = named.reduce(0) { $0 + $1.weight }
        guard sum == 100 else {
            throw AegisError(
                .invalidArgument, "the weights must sum to 100 (they sum to \(sum))",
                details: ["field": .string("weights"), "sum": .int(Int64(sum))])
        }
    }

    enum CodingKeys: String, CodingKey {
        case prevention, detection, rules, visibility, freshness, version
        case setAt = "set_at"
        case setBy = "set_by"
    }
}
