import Foundation

/// Reports and operational metrics, each one SQL aggregation (or one page
/// of rows): never loading tables.
public protocol ReportRepository {
    /// Live (not cancelled) tests per technique.
    func liveTestCounts() throws -> [String: Int]
    func testResults(_ period: ReportPeriod, groupBy: ResultsGrouping) throws -> [ResultsRow]
    func operationalMetrics(_ period: ReportPeriod, groupBy: MetricsGrouping) throws -> [MetricsRow]
    /// Open (and with `includeDone`, done) remediation items, soonest due
    /// first (no due date last), then by test id; `page.after` is the key.
    func remediation(includeDone: Bool, now: Date, page: PageRequest) throws -> Page<RemediationItem>
    /// Tests by id after `after`, at most `limit`.
    func exportRows(after: String?, limit: Int) throws -> [TestExportRow]
    /// Countermeasures by the gap techniques each addresses, most first
    /// (`CountermeasureRanking` says what a gap is).
    func countermeasureRanking(_ query: CountermeasureRankingQuery) throws -> CountermeasureRanking
}
