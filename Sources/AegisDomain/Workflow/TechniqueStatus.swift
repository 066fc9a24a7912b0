/// How well a technique is covered, from its tests.
public enum TechniqueStatus: String, Sendable, Codable, CaseIterable {
    /// No test at all.
    case untested
    /// Tests exist, none validated yet.
    case inProgress = "in_progress"
    case missed
    case logged
    case detected
    case prevented
    /// Procedures disagree: some prevented or detected, others only logged
    /// or missed.
    case partial

    /// The status from the outcome of the latest validated test of each
    /// procedure, and whether any other test (not cancelled) exists.
    ///
    /// All procedures prevented or detected: the weaker of the two. All
    /// logged or missed: the weaker of the two. A mix of both groups:
    /// `partial`.
    public static func aggregate(latestValidated outcomes: [TestOutcome], hasOtherTests: Bool) -> TechniqueStatus {
        guard let weakest = outcomes.min() else { return hasOtherTests ? .inProgress : .untested }
        let good = outcomes.filter { $0 >= .detected }
        if !good.isEmpty && good.count != outcomes.count { return .partial }
        switch weakest {
        case .prevented: return .prevented
        case .detected: return .detected
        case .logged: return .logged
        case .missed: return .missed
        }
    }
}
