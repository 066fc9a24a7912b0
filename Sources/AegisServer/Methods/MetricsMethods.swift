import AegisApp
import AegisDomain
import Foundation

/// `metrics.*`: operational figures (MTTD, MTTR and the like).
enum MetricsMethods {
    static let all: [MethodHandler] = [
        .method("metrics.operational", MetricsParams.self) { p, scope in
            try ReportService(env: scope.env, context: scope.context).metrics(
                since: p.since, until: p.until, groupBy: p.groupBy, domain: p.domain)
        }.cachedUntilNextCommit()
    ]

    struct MetricsParams: Decodable, Sendable {
        var since: Date?
        var until: Date?
        var groupBy: MetricsGrouping?
        var domain: String?
        enum CodingKeys: String, CodingKey {
            case since, until, domain
            case groupBy = "group_by"
        }
    }
}
