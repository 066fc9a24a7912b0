import AegisDomain
import Foundation

/// `report.coverage`: per tactic (matrix order) and technique: tests,
/// outcomes, detection rules, status and score.
public struct CoverageReport: Sendable, Encodable {
    public struct TechniqueLine: Sendable, Encodable {
        public var id: String
        public var name: String
        public var isSubtechnique: Bool
        public var status: TechniqueStatus
        public var score: Double
        /// Tests that are not cancelled.
        public var tests: Int
        /// Procedures by their latest validated outcome.
        public var validated: Int
        public var prevented: Int
        public var detected: Int
        public var logged: Int
        public var missed: Int
        /// Detection rules mapped to it that fire (enabled or clipped), every
        /// format: what the score's `rules` component counts.
        public var rules: Int
        /// Detection rules mapped to it that are disabled.
        public var rulesDisabled: Int

        enum CodingKeys: String, CodingKey {
            case id, name, status, score, tests, validated, prevented, detected, logged, missed, rules
            case isSubtechnique = "is_subtechnique"
            case rulesDisabled = "rules_disabled"
        }
    }

    public struct TacticLine: Sendable, Encodable {
        public var id: String
        public var shortname: String
        public var name: String
        public var score: Double
        public var techniques: [TechniqueLine]
    }

    public var domain: String
    public var score: Double
    public var tactics: [TacticLine]
    public var weightsVersion: Int
    public var computedAt: Date

    enum CodingKeys: String, CodingKey {
        case domain, score, tactics
        case weightsVersion = "weights_version"
        case computedAt = "computed_at"
    }
}

/// `report.test_results`.
public struct TestResultsReport: Sendable, Encodable {
    public var groupBy: ResultsGrouping
    public var since: Date?
    public var until: Date?
    public var rows: [ResultsRow]
    /// Over every test counted; nil when grouped by tactic (a technique in
    /// several tactics is in several rows).
    public var totals: ResultsRow?

    enum CodingKeys: String, CodingKey {
        case since, until, rows, totals
        case groupBy = "group_by"
    }
}

/// `metrics.operational`.
public struct OperationalMetrics: Sendable, Encodable {
    public var groupBy: MetricsGrouping
    public var since: Date?
    public var until: Date?
    public var rows: [MetricsRow]
    /// Over every test counted; nil when grouped by tactic.
    public var totals: MetricsRow?

    enum CodingKeys: String, CodingKey {
        case since, until, rows, totals
        case groupBy = "group_by"
    }
}

/// `report.export`: one chunk of a CSV file.
public struct ExportChunk: Sendable, Encodable {
    public var report: String
    /// CSV text (RFC 4180, CRLF); the first chunk starts with the header.
    public var data: String
    public var rows: Int
    /// Pass it back for the next chunk; nil after the last.
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case report, data, rows
        case nextCursor = "next_cursor"
    }
}
