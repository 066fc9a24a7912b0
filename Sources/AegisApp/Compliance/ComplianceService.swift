import AegisDomain
import Foundation

/// `compliance.*`: frameworks (controls mapped to ATT&CK techniques) and
/// where our coverage leaves their controls exposed.
public struct ComplianceService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// `compliance.framework.import`.
    public struct ImportResult: Sendable, Encodable {
        public var framework: ComplianceFrameworkSummary
        /// A framework with the same id was replaced.
        public var replaced: Bool
        public var unknownTechniqueIDs: [TechniqueIDCount]
        public var invalidTechniqueIDs: [TechniqueIDCount]
        public var skippedObjects: Int

        enum CodingKeys: String, CodingKey {
            case framework, replaced
            case unknownTechniqueIDs = "unknown_technique_ids"
            case invalidTechniqueIDs = "invalid_technique_ids"
            case skippedObjects = "skipped_objects"
        }
    }

    /// Reads a framework (`mappings_explorer` JSON, or the documented CSV
    /// with `framework`, `name` and `version` given) and stores it,
    /// replacing one with the same id. Technique ids the catalog does not
    /// know are reported and their mappings dropped.
    public func importFramework(
        format: ComplianceFormat, content: Data, framework: String?, name: String?, version: String?
    ) throws -> ImportResult {
        let name = try Validate.optionalText(name, field: "name", max: 200)
        let version = try Validate.optionalText(version, field: "version", max: 100)
        let known = Set(try context.session.read { try $0.catalog.attackIDsByStixID() }.values.filter { $0.hasPrefix("T") })
        let parsed: ComplianceImport
        switch format {
        case .mappingsExplorer:
            parsed = try MappingsExplorerParser.parse(content, knownTechniqueIDs: known)
        case .csv:
            guard let framework else { throw AegisError.invalidArgument("framework", "required for a csv import") }
            parsed = try ComplianceCSVParser.parse(
                content, framework: framework, name: name, version: version, knownTechniqueIDs: known)
        }
        let now = env.clock.now()
        let f = parsed.framework
        try Self.checkSizes(f)
        let replaced = try context.session.write { repos in
            let replaced = try repos.compliance.replace(f, at: now, by: context.actorID)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "compliance.framework.import", "compliance_framework", f.id,
                changes: [
                    "format": .string(format.rawValue), "controls": .int(Int64(f.controls.count)),
                    "mappings": .int(Int64(f.mappings.count)), "replaced": .bool(replaced),
                ],
                event: .complianceFrameworkImported,
                payload: [
                    "name": .string(f.name), "version": .string(f.version), "controls": .int(Int64(f.controls.count)),
                    "mappings": .int(Int64(f.mappings.count)),
                ])
            return replaced
        }
        return ImportResult(
            framework: ComplianceFrameworkSummary(
                id: f.id, name: f.name, version: f.version, attackVersion: f.attackVersion, domain: f.domain,
                format: f.format, controls: f.controls.count, mappings: f.mappings.count, importedAt: now,
                importedBy: context.actorID),
            replaced: replaced, unknownTechniqueIDs: parsed.unknownTechniqueIDs,
            invalidTechniqueIDs: parsed.invalidTechniqueIDs, skippedObjects: parsed.skippedObjects)
    }

    /// Longest texts stored (longer ones are refused, on both stores alike).
    static let maxNameLength = 1_000
    static let maxGroupLength = 200
    static let maxMappingTypeLength = 64

    static func checkSizes(_ f: ComplianceFramework) throws(AegisError) {
        if f.name.count > 200 || f.version.count > 100 {
            throw AegisError.invalidArgument("content", "the framework's name or version is too long")
        }
        for control in f.controls {
            guard control.name.count <= maxNameLength, (control.group ?? "").count <= maxGroupLength else {
                throw AegisError.invalidArgument(
                    "content", "control \(control.id.prefix(64)): its name or group is too long (at most \(maxNameLength) and \(maxGroupLength) characters)")
            }
        }
        for mapping in f.mappings where (mapping.mappingType ?? "").count > maxMappingTypeLength {
            throw AegisError.invalidArgument("content", "a mapping type is longer than \(maxMappingTypeLength) characters")
        }
    }

    public func list() throws -> [ComplianceFrameworkSummary] {
        try context.session.read { try $0.compliance.frameworks() }
    }

    /// Per control: its techniques with their status and score, controls
    /// whose techniques are untested or missed first (`ComplianceGapReport`).
    public func gap(framework id: String, domain: String?) throws -> ComplianceGapReport {
        guard ComplianceID.isSlug(id) else { throw AegisError.invalidArgument("framework", "not a framework id") }
        let now = env.clock.now()
        return try context.session.read { repos in
            guard let framework = try repos.compliance.framework(id: id) else {
                throw AegisError.notFound("compliance_framework", id)
            }
            let domain = try ScoreService.domain(domain ?? framework.domain.map { $0.hasSuffix("-attack") ? $0 : "\($0)-attack" })
            let scores = try CoverageScores(repos, .all, domain: domain, now: now)
            var coverage: [String: TechniqueCoverage] = [:]
            for item in scores.scored {
                coverage[item.entry.id] = TechniqueCoverage(status: item.entry.status, score: item.entry.score)
            }
            return ComplianceGapReport(framework: framework, coverage: coverage)
        }
    }
}
