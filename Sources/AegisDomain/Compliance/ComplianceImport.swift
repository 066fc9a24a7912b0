import Foundation

/// What a parser made of an uploaded framework.
///
/// Technique ids the catalog does not know, and text that is not a technique
/// id at all, are reported here rather than refused; their mappings are
/// dropped (the control itself is kept).
public struct ComplianceImport: Sendable, Equatable, Codable {
    public var framework: ComplianceFramework
    /// Well-formed ids missing from the known set, sorted, with how many
    /// mappings named each.
    public var unknownTechniqueIDs: [TechniqueIDCount]
    /// Values that are not `T####` or `T####.###` (each cut to 32
    /// characters), sorted, at most `ComplianceImport.invalidListLimit`.
    public var invalidTechniqueIDs: [TechniqueIDCount]
    /// Objects or rows that map nothing: no control id, `non_mappable`, no
    /// technique id (JSON), or not an object at all.
    public var skippedObjects: Int

    /// The most distinct invalid values listed.
    public static let invalidListLimit = 100

    public init(
        framework: ComplianceFramework, unknownTechniqueIDs: [TechniqueIDCount] = [],
        invalidTechniqueIDs: [TechniqueIDCount] = [], skippedObjects: Int = 0
    ) {
        self.framework = framework
        self.unknownTechniqueIDs = unknownTechniqueIDs
        self.invalidTechniqueIDs = invalidTechniqueIDs
        self.skippedObjects = skippedObjects
    }

    enum CodingKeys: String, CodingKey {
        case framework
        case unknownTechniqueIDs = "unknown_technique_ids"
        case invalidTechniqueIDs = "invalid_technique_ids"
        case skippedObjects = "skipped_objects"
    }
}

/// A technique id and how many mappings named it.
public struct TechniqueIDCount: Sendable, Equatable, Codable {
    public var id: String
    public var count: Int

    public init(id: String, count: Int) {
        self.id = id
        self.count = count
    }
}

/// Collects controls and mappings for both parsers: keeps controls and
/// mappings unique, checks technique ids, counts what it drops.
struct ComplianceImportBuilder {
    let known: Set<String>
    private(set) var controls: [ComplianceControl] = []
    private var controlIndex: [String: Int] = [:]
    private(set) var mappings: [ControlMapping] = []
    private var seenMappings: Set<ControlMapping> = []
    private var unknown: [String: Int] = [:]
    private var invalid: [String: Int] = [:]
    var skipped = 0

    init(known: Set<String>) { self.known = known }

    /// Adds the control, or fills in the name and group an earlier mention
    /// lacked. `name` nil or empty means the id.
    mutating func addControl(id: String, name: String?, group: String?) {
        let name = ComplianceText.clean(name)
        let group = ComplianceText.clean(group)
        if let i = controlIndex[id] {
            if controls[i].name == id, let name { controls[i].name = name }
            if controls[i].group == nil { controls[i].group = group }
            return
        }
        controlIndex[id] = controls.count
        controls.append(ComplianceControl(id: id, name: name ?? id, group: group))
    }

    /// Adds the mapping when `rawTechnique` is a known technique id;
    /// otherwise records it as unknown or invalid.
    mutating func addMapping(control: String, rawTechnique: String, type: String?) {
        guard let technique = ComplianceID.technique(rawTechnique) else {
            let shown = String(rawTechnique.trimmingCharacters(in: .whitespacesAndNewlines).prefix(32))
            if invalid[shown] != nil || invalid.count < ComplianceImport.invalidListLimit {
                invalid[shown, default: 0] += 1
            }
            return
        }
        guard known.contains(technique) else {
            unknown[technique, default: 0] += 1
            return
        }
        let mapping = ControlMapping(controlID: control, techniqueID: technique, mappingType: type)
        if seenMappings.insert(mapping).inserted { mappings.append(mapping) }
    }

    var unknownTechniqueIDs: [TechniqueIDCount] { Self.counts(unknown) }
    var invalidTechniqueIDs: [TechniqueIDCount] { Self.counts(invalid) }

    private static func counts(_ map: [String: Int]) -> [TechniqueIDCount] {
        map.map { TechniqueIDCount(id: $0.key, count: $0.value) }.sorted { $0.id < $1.id }
    }
}
