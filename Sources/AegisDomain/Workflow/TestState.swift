/// Where a test is in its life. See docs/WORKFLOW.md for the diagram.
public enum TestState: String, Sendable, Codable, CaseIterable, Comparable {
    case draft
    case ready
    case redRunning = "red_running"
    case redPaused = "red_paused"
    case bluePending = "blue_pending"
    case blueReview = "blue_review"
    case awaitingValidation = "awaiting_validation"
    case validated
    case cancelled

    /// States that still need work (not validated or cancelled).
    public var isOpen: Bool { self != .validated && self != .cancelled }

    /// True in the states before red's submission.
    public var isBeforeRedSubmission: Bool {
        switch self {
        case .draft, .ready, .redRunning, .redPaused: true
        default: false
        }
    }

    public static func < (lhs: TestState, rhs: TestState) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// Which team a part of the work belongs to.
public enum TeamSide: String, Sendable, Codable, CaseIterable {
    case red
    case blue
}
