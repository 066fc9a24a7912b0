import AegisDomain
import Foundation

/// `report.*` and `metrics.operational`: coverage, test results,
/// remediation and operational metrics, each from one SQL aggregation or
/// one page of rows; `report.export` streams any of them as CSV chunks.
public struct ReportService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    public func coverage(domain: String?) throws -> CoverageReport {
        let domain = try ScoreService.domain(domain)
        let now = env.clock.now()
        return try context.session.read { repos in
            let scores = try CoverageScores(repos, .all, domain: domain, now: now)
            let tests = try repos.reports.liveTestCounts()
            let rules = try repos.scores.ruleCounts(.all, domain: domain, now: now)
            var byTactic: [String: [CoverageReport.TechniqueLine]] = [:]
            for item in scores.scored {
                let e = item.evidence
                let line = CoverageReport.TechniqueLine(
                    id: item.entry.id, name: item.entry.name, isSubtechnique: item.entry.id.contains("."),
                    status: item.entry.status, score: item.entry.score, tests: tests[item.entry.id] ?? 0,
                    validated: e.procedures, prevented: e.prevented, detected: e.detected, logged: e.logged, missed: e.missed,
                    rules: e.firingRules, rulesDisabled: rules[item.entry.id]?.disabled ?? 0)
                for tactic in item.tactics { byTactic[tactic, default: []].append(line) }
            }
            let tactics = scores.tacticScores(try repos.catalog.tactics(domain: domain)).map { t in
                CoverageReport.TacticLine(
                    id: t.id, shortname: t.shortname, name: t.name, score: t.score, techniques: byTactic[t.shortname] ?? [])
            }
            return CoverageReport(
                domain: domain, score: scores.group.score, tactics: tactics, weightsVersion: scores.weights.version,
                computedAt: now)
        }
    }

    public func testResults(since: Date?, until: Date?, groupBy: ResultsGrouping?, domain: String?) throws -> TestResultsReport {
        let period = try Self.period(since: since, until: until, domain: domain)
        let groupBy = groupBy ?? .technique
        let rows = try context.session.read { try $0.reports.testResults(period, groupBy: groupBy) }
        return TestResultsReport(
            groupBy: groupBy, since: since, until: until, rows: rows, totals: groupBy == .tactic ? nil : Self.total(rows))
    }

    public func metrics(since: Date?, until: Date?, groupBy: MetricsGrouping?, domain: String?) throws -> OperationalMetrics {
        let period = try Self.period(since: since, until: until, domain: domain)
        let groupBy = groupBy ?? .month
        let rows = try context.session.read { try $0.reports.operationalMetrics(period, groupBy: groupBy) }
        return OperationalMetrics(
            groupBy: groupBy, since: since, until: until, rows: rows, totals: groupBy == .tactic ? nil : Self.total(rows))
    }

    public func remediation(includeDone: Bool, limit: Int?, cursor: String?) throws -> ListResult<RemediationItem> {
        let page = try Cursor.pageRequest(limit: limit, cursor: cursor)
        let now = env.clock.now()
        return ListResult(try context.session.read { try $0.reports.remediation(includeDone: includeDone, now: now, page: page) })
    }

    /// Countermeasures ranked by the gap techniques each addresses:
    /// `missed` or `logged` ones, or with `actorID` (a group or campaign),
    /// those the actor uses that are `missed`, `logged` or `untested`.
    /// `tactic` is a D3FEND tactic; `""` filters are absent.
    public func countermeasures(actorID: String?, tactic: String?, domain: String?, limit: Int?) throws -> CountermeasureRanking {
        var query = CountermeasureRankingQuery(domain: try ScoreService.domain(domain), limit: limit ?? PageRequest.defaultLimit)
        guard (1...PageRequest.maxLimit).contains(query.limit) else {
            throw AegisError.invalidArgument("limit", "limit must be between 1 and \(PageRequest.maxLimit)")
        }
        if let tactic, !tactic.isEmpty {
            guard let found = DefensiveTactic(named: tactic) else {
                throw AegisError.invalidArgument(
                    "tactic", "tactic must be one of \(DefensiveTactic.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.tactic = found
        }
        if let actorID, !actorID.isEmpty { query.actorID = try AttackID.actor(actorID, field: "actor_id") }
        return try context.session.read { repos in
            if let actor = query.actorID, try repos.catalog.actor(id: actor) == nil { throw AegisError.notFound("actor", actor) }
            return try repos.reports.countermeasureRanking(query)
        }
    }

    // MARK: Helpers

    /// `since` and `until` are in `TimestampRange`: the params decoder refuses others.
    static func period(since: Date?, until: Date?, domain: String?) throws(AegisError) -> ReportPeriod {
        if let since, let until, until <= since { throw AegisError.invalidArgument("until", "must be after since") }
        return ReportPeriod(since: since, until: until, domain: try ScoreService.domain(domain))
    }

    static func total(_ rows: [ResultsRow]) -> ResultsRow {
        rows.reduce(into: ResultsRow(key: "total", tests: 0, executed: 0, validated: 0, prevented: 0, detected: 0, logged: 0, missed: 0)) {
            $0.tests += $1.tests
            $0.executed += $1.executed
            $0.validated += $1.validated
            $0.prevented += $1.prevented
            $0.detected += $1.detected
            $0.logged += $1.logged
            $0.missed += $1.missed
        }
    }

    /// Counts add up; means are weighted by the tests they are over.
    static func total(_ rows: [MetricsRow]) -> MetricsRow {
        let executed = rows.reduce(0) { $0 + $1.executed }
        let validated = rows.reduce(0) { $0 + $1.validated }
        let good = rows.reduce(0.0) { $0 + ($1.detectionRate ?? 0) * Double($1.validated) }
        let mttdTests = rows.reduce(0) { $0 + $1.mttdTests }
        let mttrTests = rows.reduce(0) { $0 + $1.mttrTests }
        let mttd = rows.reduce(0.0) { $0 + ($1.mttdSeconds ?? 0) * Double($1.mttdTests) }
        let mttr = rows.reduce(0.0) { $0 + ($1.mttrSeconds ?? 0) * Double($1.mttrTests) }
        return MetricsRow(
            key: "total", executed: executed, validated: validated,
            detectionRate: validated > 0 ? (good / Double(validated) * 1e6).rounded() / 1e6 : nil,
            mttdSeconds: mttdTests > 0 ? mttd / Double(mttdTests) : nil, mttdTests: mttdTests,
            mttrSeconds: mttrTests > 0 ? mttr / Double(mttrTests) : nil, mttrTests: mttrTests)
    }
}
