import Foundation

/// How well one technique is covered, as the gap report reads it.
public struct TechniqueCoverage: Sendable, Equatable {
    public var status: TechniqueStatus
    /// Non-finite scores count as 0.
    public var score: Double

    public init(status: TechniqueStatus, score: Double) {
        self.status = status
        self.score = score
    }
}

/// A framework's controls against our coverage, worst first.
///
/// Order of `controls`: controls with at least one technique `untested` or
/// `missed` first; then by control score ascending; then by control id
/// (numeric-aware: `AC-2` before `AC-10`). Controls without any mapped
/// technique come last, in id order: there is nothing to test for them.
public struct ComplianceGapReport: Sendable, Equatable, Codable {
    public var frameworkID: String
    public var frameworkName: String
    public var controls: [ControlGap]
    public var totals: ComplianceGapTotals

    /// Joins `framework`'s mappings with `coverage` (technique id, as the
    /// catalog spells it → coverage); a technique missing from `coverage` is
    /// `untested` with score 0.
    public init(framework: ComplianceFramework, coverage: [String: TechniqueCoverage]) {
        func covered(_ id: String) -> TechniqueCoverage {
            guard let c = coverage[id] else { return TechniqueCoverage(status: .untested, score: 0) }
            return TechniqueCoverage(status: c.status, score: c.score.isFinite ? c.score : 0)
        }
        var types: [String: [String: Set<String>]] = [:]  // control → technique → mapping types
        for m in framework.mappings {
            types[m.controlID, default: [:]][m.techniqueID, default: []].formUnion(m.mappingType.map { [$0] } ?? [])
        }
        controls = framework.controls.map { control in
            let byTechnique = types[control.id] ?? [:]
            let techniques = byTechnique.keys.sorted().map { id in
                let c = covered(id)
                return TechniqueGap(
                    techniqueID: id, status: c.status, score: c.score, mappingTypes: (byTechnique[id] ?? []).sorted())
            }
            return ControlGap(control: control, techniques: techniques)
        }.sorted(by: ControlGap.precedes)

        var distinct: [String: TechniqueStatus] = [:]
        for control in controls { for t in control.techniques { distinct[t.techniqueID] = t.status } }
        let scored = controls.filter { !$0.techniques.isEmpty }
        totals = ComplianceGapTotals(
            controls: controls.count,
            controlsWithGaps: controls.filter { $0.untestedOrMissed > 0 }.count,
            controlsWithoutTechniques: controls.count - scored.count,
            techniques: distinct.count,
            untestedOrMissedTechniques: distinct.values.filter(\.isUntestedOrMissed).count,
            statusCounts: distinct.values.reduce(into: [:]) { $0[$1.rawValue, default: 0] += 1 },
            meanControlScore: scored.isEmpty ? 0 : scored.map(\.score).reduce(0, +) / Double(scored.count))
        frameworkID = framework.id
        frameworkName = framework.name
    }

    enum CodingKeys: String, CodingKey {
        case controls, totals
        case frameworkID = "framework_id"
        case frameworkName = "framework_name"
    }
}

/// One control of a gap report.
public struct ControlGap: Sendable, Equatable, Codable {
    public var control: ComplianceControl
    /// Its mapped techniques, by id.
    public var techniques: [TechniqueGap]
    /// The mean of the techniques' scores; 0 when there are none.
    public var score: Double
    /// The weakest status among the techniques, nil when there are none.
    /// Weakest first: `missed`, `untested`, `in_progress`, `logged`,
    /// `partial`, `detected`, `prevented`.
    public var worstStatus: TechniqueStatus?
    /// How many of its techniques are `untested` or `missed`.
    public var untestedOrMissed: Int

    public init(control: ComplianceControl, techniques: [TechniqueGap]) {
        self.control = control
        self.techniques = techniques
        score = techniques.isEmpty ? 0 : techniques.map(\.score).reduce(0, +) / Double(techniques.count)
        worstStatus = techniques.map(\.status).min { $0.gapRank < $1.gapRank }
        untestedOrMissed = techniques.filter { $0.status.isUntestedOrMissed }.count
    }

    /// The report's order (see `ComplianceGapReport`).
    static func precedes(_ a: ControlGap, _ b: ControlGap) -> Bool {
        if a.techniques.isEmpty != b.techniques.isEmpty { return b.techniques.isEmpty }
        if (a.untestedOrMissed > 0) != (b.untestedOrMissed > 0) { return a.untestedOrMissed > 0 }
        if a.score != b.score { return a.score < b.score }
        let order = a.control.id.compare(b.control.id, options: .numeric)
        return order == .orderedSame ? a.control.id < b.control.id : order == .orderedAscending
    }

    enum CodingKeys: String, CodingKey {
        case control, techniques, score
        case worstStatus = "worst_status"
        case untestedOrMissed = "untested_or_missed"
    }
}

/// One technique under a control.
public struct TechniqueGap: Sendable, Equatable, Codable {
    public var techniqueID: String
    public var status: TechniqueStatus
    public var score: Double
    /// The mapping types joining it to the control, sorted; may be empty.
    public var mappingTypes: [String]

    public init(techniqueID: String, status: TechniqueStatus, score: Double, mappingTypes: [String] = []) {
        self.techniqueID = techniqueID
        self.status = status
        self.score = score
        self.mappingTypes = mappingTypes
    }

    enum CodingKeys: String, CodingKey {
        case status, score
        case techniqueID = "technique_id"
        case mappingTypes = "mapping_types"
    }
}

/// Figures for a whole framework. Technique figures count each distinct
/// technique once, however many controls map it.
public struct ComplianceGapTotals: Sendable, Equatable, Codable {
    public var controls: Int
    /// Controls with at least one technique `untested` or `missed`.
    public var controlsWithGaps: Int
    public var controlsWithoutTechniques: Int
    /// Distinct mapped techniques.
    public var techniques: Int
    public var untestedOrMissedTechniques: Int
    /// Distinct techniques by status wire name; absent statuses are omitted.
    public var statusCounts: [String: Int]
    /// The mean score of the controls that have techniques; 0 when none do.
    public var meanControlScore: Double

    public init(
        controls: Int, controlsWithGaps: Int, controlsWithoutTechniques: Int, techniques: Int,
        untestedOrMissedTechniques: Int, statusCounts: [String: Int], meanControlScore: Double
    ) {
        self.controls = controls
        self.controlsWithGaps = controlsWithGaps
        self.controlsWithoutTechniques = controlsWithoutTechniques
        self.techniques = techniques
        self.untestedOrMissedTechniques = untestedOrMissedTechniques
        self.statusCounts = statusCounts
        self.meanControlScore = meanControlScore
    }

    enum CodingKeys: String, CodingKey {
        case controls, techniques
        case controlsWithGaps = "controls_with_gaps"
        case controlsWithoutTechniques = "controls_without_techniques"
        case untestedOrMissedTechniques = "untested_or_missed_techniques"
        case statusCounts = "status_counts"
        case meanControlScore = "mean_control_score"
    }
}

extension TechniqueStatus {
    /// Weakest first: a proven miss, then no evidence, then the rest.
    var gapRank: Int {
        switch self {
        case .missed: 0
        case .untested: 1
        case .inProgress: 2
        case .logged: 3
        case .partial: 4
        case .detected: 5
        case .prevented: 6
        }
    }

    var isUntestedOrMissed: Bool { self == .untested || self == .missed }
}
