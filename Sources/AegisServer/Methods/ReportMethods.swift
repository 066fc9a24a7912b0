import AegisApp
import AegisDomain
import Foundation

/// `report.*`: coverage, results, remediation and exports.
enum ReportMethods {
    static let all: [MethodHandler] = [
        .method("report.coverage", DomainParams.self) { p, scope in try service(scope).coverage(domain: p.domain) }
            .cachedUntilNextCommit(maxAge: ScoreMethods.maxAge),
        .method("report.test_results", ResultsParams.self) { p, scope in
            try service(scope).testResults(since: p.since, until: p.until, groupBy: p.groupBy, domain: p.domain)
        }.cachedUntilNextCommit(),
        .method("report.remediation", RemediationParams.self) { p, scope in
            try service(scope).remediation(includeDone: p.includeDone ?? false, limit: p.limit, cursor: p.cursor)
        },
        .method("report.export", ExportParams.self) { p, scope in
            try service(scope).export(
                p.report, format: p.format, cursor: p.cursor,
                options: .init(
                    domain: p.domain, since: p.since, until: p.until, groupBy: p.groupBy, includeDone: p.includeDone ?? false,
                    actorID: p.actorID, tactic: p.tactic))
        },
        .method("report.countermeasures", CountermeasuresParams.self) { p, scope in
            try service(scope).countermeasures(actorID: p.actorID, tactic: p.tactic, domain: p.domain, limit: p.limit)
        }.cachedUntilNextCommit(),
    ]

    private static func service(_ scope: RequestScope) -> ReportService {
        ReportService(env: scope.env, context: scope.context)
    }

    struct ResultsParams: Decodable, Sendable {
        var since: Date?
        var until: Date?
        var groupBy: ResultsGrouping?
        var domain: String?
        enum CodingKeys: String, CodingKey {
            case since, until, domain
            case groupBy = "group_by"
        }
    }

    struct RemediationParams: Decodable, Sendable {
        var includeDone: Bool?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case limit, cursor
            case includeDone = "include_done"
        }
    }

    struct ExportParams: Decodable, Sendable {
        var report: ReportService.ExportedReport
        var format: String?
        var cursor: String?
        var domain: String?
        var since: Date?
        var until: Date?
        var groupBy: String?
        var includeDone: Bool?
        var actorID: String?
        var tactic: String?
        enum CodingKeys: String, CodingKey {
            case report, format, cursor, domain, since, until, tactic
            case groupBy = "group_by"
            case includeDone = "include_done"
            case actorID = "actor_id"
        }
    }

    struct CountermeasuresParams: Decodable, Sendable {
        var actorID: String?
        /// A D3FEND tactic, in any case.
        var tactic: String?
        var domain: String?
        var limit: Int?
        enum CodingKeys: String, CodingKey {
            case tactic, domain, limit
            case actorID = "actor_id"
        }
    }
}
