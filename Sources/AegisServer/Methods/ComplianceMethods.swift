import AegisApp
import AegisDomain
import Foundation

/// `compliance.*`.
enum ComplianceMethods {
    static let all: [MethodHandler] = [
        MethodHandler.method("compliance.framework.import", ImportParams.self) { p, scope in
            try service(scope).importFramework(
                format: p.format, content: p.content.data, framework: p.framework, name: p.name, version: p.version)
        }.allocatingHeavily(),
        .method("compliance.framework.list") { scope in Items(items: try service(scope).list()) }.cachedUntilNextCommit(),
        .method("compliance.gap", GapParams.self) { p, scope in
            let format = p.format ?? "json"
            guard format == "json" || format == "csv" else { throw AegisError.invalidArgument("format", "must be json or csv") }
            let report = try service(scope).gap(framework: p.framework, domain: p.domain)
            return format == "csv" ? GapResult.csv(CSVText(data: report.csvText)) : GapResult.report(report)
        }.cachedUntilNextCommit(maxAge: ScoreMethods.maxAge),
    ]

    private static func service(_ scope: RequestScope) -> ComplianceService {
        ComplianceService(env: scope.env, context: scope.context)
    }

    struct ImportParams: Decodable, Sendable {
        var format: ComplianceFormat
        var content: FileContent
        /// CSV only: the framework's id, name and version.
        var framework: String?
        var name: String?
        var version: String?
    }

    struct GapParams: Decodable, Sendable {
        var framework: String
        var domain: String?
        /// `json` (default) or `csv`.
        var format: String?
    }

    struct CSVText: Encodable, Sendable {
        var format = "csv"
        var data: String
    }

    /// The gap report, or the same as CSV.
    enum GapResult: Encodable, Sendable {
        case report(ComplianceGapReport)
        case csv(CSVText)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .report(let r): try r.encode(to: encoder)
            case .csv(let c): try c.encode(to: encoder)
            }
        }
    }
}
