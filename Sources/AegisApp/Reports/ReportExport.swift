import AegisDomain
import Foundation

/// `report.export`: a report as CSV, one chunk per call, so a client pulls
/// a file of any size while the daemon holds one chunk at a time.
extension ReportService {
    /// What can be exported.
    public enum ExportedReport: String, Sendable, Decodable, CaseIterable {
        /// Every test, one row each (chunked by test id).
        case tests
        case coverage
        case testResults = "test_results"
        /// Chunked by due date.
        case remediation
        case metrics
        /// `report.countermeasures`, every countermeasure with a gap.
        case countermeasures
    }

    /// The parameters of the report being exported.
    public struct ExportOptions: Sendable {
        public var domain: String?
        public var since: Date?
        public var until: Date?
        public var groupBy: String?
        public var includeDone: Bool
        /// `countermeasures`: a group or campaign, and a D3FEND tactic.
        public var actorID: String?
        public var tactic: String?

        public init(
            domain: String? = nil, since: Date? = nil, until: Date? = nil, groupBy: String? = nil, includeDone: Bool = false,
            actorID: String? = nil, tactic: String? = nil
        ) {
            self.domain = domain
            self.since = since
            self.until = until
            self.groupBy = groupBy
            self.includeDone = includeDone
            self.actorID = actorID
            self.tactic = tactic
        }
    }

    /// Rows per chunk of the chunked reports.
    public static let exportChunkRows = 5_000

    public func export(_ report: ExportedReport, format: String?, cursor: String?, options: ExportOptions) throws -> ExportChunk {
        guard (format ?? "csv") == "csv" else { throw AegisError.invalidArgument("format", "must be csv") }
        let after = try Cursor.decode(cursor)
        switch report {
        case .tests:
            let rows = try context.session.read { try $0.reports.exportRows(after: after, limit: Self.exportChunkRows) }
            let blind = context.principal?.seesBlindTestsBlind ?? true
            var data = after == nil ? CSVWriter.line(Self.testColumns) : ""
            // At most `exportChunkRows`, and stopping at half a frame.
            var written = 0
            for row in rows where data.utf8.count < env.limits.chunkBytes {
                data += CSVWriter.line(Self.cells(row, hideName: blind && row.blind && !row.redSubmitted))
                written += 1
            }
            let more = written < rows.count || rows.count == Self.exportChunkRows
            let next = more ? Cursor.encode(rows.prefix(written).last?.id) : nil
            return ExportChunk(report: report.rawValue, data: data, rows: written, nextCursor: next)
        case .remediation:
            let page = try context.session.read { repos in
                try repos.reports.remediation(
                    includeDone: options.includeDone, now: env.clock.now(),
                    page: PageRequest(limit: Self.exportChunkRows, after: after))
            }
            var data = after == nil ? CSVWriter.line(["test_id", "technique_id", "name", "outcome", "validated_at", "owner", "due_at", "done_at", "overdue", "countermeasures"]) : ""
            for item in page.items {
                data += CSVWriter.line([
                    item.testID, item.techniqueID, item.name, item.outcome.rawValue, Self.time(item.validatedAt),
                    item.owner ?? "", Self.time(item.dueAt), Self.time(item.doneAt), item.overdue ? "true" : "false",
                    item.countermeasures.joined(separator: ";"),
                ])
            }
            return ExportChunk(report: report.rawValue, data: data, rows: page.items.count, nextCursor: Cursor.encode(page.nextKey))
        case .coverage, .testResults, .metrics, .countermeasures:
            guard after == nil else { throw AegisError.invalidArgument("cursor", "this report comes in one chunk") }
            let lines = try singleChunk(report, options)
            return ExportChunk(report: report.rawValue, data: lines.map(CSVWriter.line).joined(), rows: lines.count - 1, nextCursor: nil)
        }
    }

    private func singleChunk(_ report: ExportedReport, _ o: ExportOptions) throws -> [[String]] {
        switch report {
        case .coverage:
            let r = try coverage(domain: o.domain)
            var lines = [[
                "tactic_id", "tactic", "technique_id", "technique", "status", "score", "tests", "validated", "prevented",
                "detected", "logged", "missed", "rules", "rules_disabled",
            ]]
            for t in r.tactics {
                for x in t.techniques {
                    lines.append([
                        t.id, t.name, x.id, x.name, x.status.rawValue, String(x.score), String(x.tests), String(x.validated),
                        String(x.prevented), String(x.detected), String(x.logged), String(x.missed), String(x.rules),
                        String(x.rulesDisabled),
                    ])
                }
            }
            return lines
        case .countermeasures:
            let r = try countermeasures(actorID: o.actorID, tactic: o.tactic, domain: o.domain, limit: PageRequest.maxLimit)
            return [["rank", "countermeasure_id", "countermeasure", "tactic", "gaps", "technique_ids"]]
                + r.items.enumerated().map { i, item in
                    [String(i + 1), item.countermeasure.id, item.countermeasure.name, item.countermeasure.tactic.rawValue,
                     String(item.gaps), item.techniques.joined(separator: ";")]
                }
        case .testResults:
            let grouping = try o.groupBy.map { raw throws(AegisError) -> ResultsGrouping in
                guard let g = ResultsGrouping(rawValue: raw) else { throw Self.badGrouping(ResultsGrouping.allCases.map(\.rawValue)) }
                return g
            }
            let r = try testResults(since: o.since, until: o.until, groupBy: grouping, domain: o.domain)
            return [["key", "tests", "executed", "validated", "prevented", "detected", "logged", "missed"]]
                + (r.rows + (r.totals.map { [$0] } ?? [])).map {
                    [$0.key, String($0.tests), String($0.executed), String($0.validated), String($0.prevented),
                     String($0.detected), String($0.logged), String($0.missed)]
                }
        default:
            let grouping = try o.groupBy.map { raw throws(AegisError) -> MetricsGrouping in
                guard let g = MetricsGrouping(rawValue: raw) else { throw Self.badGrouping(MetricsGrouping.allCases.map(\.rawValue)) }
                return g
            }
            let r = try metrics(since: o.since, until: o.until, groupBy: grouping, domain: o.domain)
            return [["key", "executed", "validated", "detection_rate", "mttd_seconds", "mttd_tests", "mttr_seconds", "mttr_tests"]]
                + (r.rows + (r.totals.map { [$0] } ?? [])).map {
                    [$0.key, String($0.executed), String($0.validated), $0.detectionRate.map { String($0) } ?? "",
                     $0.mttdSeconds.map { String($0) } ?? "", String($0.mttdTests), $0.mttrSeconds.map { String($0) } ?? "",
                     String($0.mttrTests)]
                }
        }
    }

    static func badGrouping(_ allowed: [String]) -> AegisError {
        AegisError.invalidArgument("group_by", "must be one of \(allowed.joined(separator: ", "))")
    }

    static let testColumns = [
        "id", "technique_id", "name", "state", "outcome", "platform", "created_at", "attack_started_at", "detected_at",
        "validated_at", "remediation_owner", "remediation_due_at", "remediated_at", "targets",
    ]

    static func cells(_ r: TestExportRow, hideName: Bool) -> [String] {
        [
            r.id, r.techniqueID, hideName ? "" : r.name, r.state, r.outcome ?? "", hideName ? "" : r.platform, time(r.createdAt),
            time(r.attackStartedAt), time(r.detectedAt), time(r.validatedAt), r.remediationOwner ?? "",
            time(r.remediationDueAt), time(r.remediatedAt), hideName ? "" : r.targets.joined(separator: " "),
        ]
    }

    /// RFC 3339 UTC with microseconds, or empty.
    static func time(_ date: Date?) -> String {
        guard let date else { return "" }
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(fraction))
    }
}
