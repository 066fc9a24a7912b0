import AegisDetection
import AegisDomain
import Foundation

/// A rule file as `rule.import` receives it.
public struct RuleFile: Sendable {
    public var name: String
    public var data: Data
    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }
}

/// What `rule.import` answers: a report per file and per rule, and totals.
public struct RuleImportReport: Sendable, Encodable {
    public struct RuleLine: Sendable, Encodable, Equatable {
        public var id: String?
        /// `imported`, `updated`, `unchanged`, `invalid` or `unsupported`.
        public var status: String
        public var reason: String?
        public var feature: String?
    }

    public struct FileLine: Sendable, Encodable {
        public var name: String
        public var format: String?
        public var rules: [RuleLine]
    }

    public var files: [FileLine]
    public var totals: [String: Int]
}

extension RuleService {
    /// The most files one `rule.import` takes.
    public static let maxImportFiles = 2_000

    /// Parses every file, then stores each file whose rules all parsed, in
    /// its own transaction (never half a file). A native rule must emit
    /// techniques the catalog knows; an id keeps its format.
    public func importFiles(_ files: [RuleFile], format: RuleFormat?) throws -> RuleImportReport {
        guard !files.isEmpty else { throw AegisError.invalidArgument("files", "give at least one file") }
        guard files.count <= Self.maxImportFiles else {
            throw AegisError.invalidArgument("files", "at most \(Self.maxImportFiles) files per import")
        }
        for (i, file) in files.enumerated() {
            _ = try Validate.text(file.name, field: "files[\(i)].name", max: 500)
        }
        let reports = files.map { RuleParser.parse(name: $0.name, data: $0.data, format: format) }
        // The techniques native rules emit, as the catalog knows them.
        let emitted = Set(reports.flatMap(\.parsed).filter { $0.format == .native }.flatMap(\.techniqueIDs))
        let known = try context.session.read { repos in
            Set(try emitted.filter { try repos.catalog.technique(id: $0) != nil })
        }
        // A rule of the rules directory changes with its file alone.
        let ids = Set(reports.flatMap(\.parsed).map(\.id))
        if let owned = try context.session.read({ repos in
            try ids.sorted().lazy.compactMap { try repos.rules.rule(id: $0) }.first { $0.origin == .directory }
        }) {
            throw AegisError.failedPrecondition(
                "rule \(owned.id) belongs to the rules directory (\(owned.sourceName)); change its file instead",
                details: ["id": .string(owned.id), "source_name": .string(owned.sourceName)])
        }
        var lines: [RuleImportReport.FileLine] = []
        for (file, report) in zip(files, reports) {
            var rules = report.outcomes.map { Self.line($0, known: known) }
            let parsed = report.parsed
            if rules.allSatisfy({ $0.status == "parsed" }), !parsed.isEmpty {
                let outcomes = try put(parsed, origin: .import, sourceName: file.name, action: "rule.import")
                rules = zip(parsed, outcomes).map { definition, outcome in
                    switch outcome {
                    case .imported: RuleImportReport.RuleLine(id: definition.id, status: "imported")
                    case .updated: RuleImportReport.RuleLine(id: definition.id, status: "updated")
                    case .unchanged: RuleImportReport.RuleLine(id: definition.id, status: "unchanged")
                    case .refused(let why): RuleImportReport.RuleLine(id: definition.id, status: "invalid", reason: why)
                    }
                }
                if rules.contains(where: { $0.status == "invalid" }) { rules = Self.notImported(rules) }
            } else {
                rules = Self.notImported(rules)
            }
            lines.append(RuleImportReport.FileLine(name: file.name, format: report.format?.rawValue, rules: rules))
        }
        var totals: [String: Int] = ["imported": 0, "updated": 0, "unchanged": 0, "invalid": 0, "unsupported": 0]
        for line in lines.flatMap(\.rules) { totals[line.status, default: 0] += 1 }
        return RuleImportReport(files: lines, totals: totals)
    }

    /// A parse outcome as a report line; `parsed` until stored.
    static func line(_ outcome: RuleParseOutcome, known: Set<String>) -> RuleImportReport.RuleLine {
        switch outcome {
        case .invalid(let id, let reason): return .init(id: id, status: "invalid", reason: reason)
        case .unsupported(let id, let feature):
            return .init(id: id, status: "unsupported", reason: "uses \(feature), which Aegis does not evaluate", feature: feature)
        case .parsed(let definition):
            if definition.format == .native, let unknown = definition.techniqueIDs.first(where: { !known.contains($0) }) {
                return .init(id: definition.id, status: "invalid", reason: "emits \(unknown), which the catalog does not hold")
            }
            return .init(id: definition.id, status: "parsed")
        }
    }

    /// A file refused whole: its good rules say why they were not stored.
    static func notImported(_ rules: [RuleImportReport.RuleLine]) -> [RuleImportReport.RuleLine] {
        let culprit = rules.first { $0.status == "invalid" || $0.status == "unsupported" }?.id ?? "another rule"
        return rules.map { line in
            guard line.status != "invalid", line.status != "unsupported" else { return line }
            return .init(id: line.id, status: "invalid", reason: "not imported: \(culprit) in the same file was refused")
        }
    }
}
