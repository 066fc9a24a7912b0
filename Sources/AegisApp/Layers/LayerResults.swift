import AegisDomain
import Foundation

/// `layer.export`: the layer file and what is in it.
public struct LayerExport: Sendable, Encodable {
    public var kind: String
    public var name: String
    public var domain: String
    /// Distinct techniques in the layer.
    public var techniques: Int
    /// The layer file (JSON, format 4.5), ready to save and open in Navigator.
    public var content: String
}

/// `layer.import`: what a layer holds, read and checked.
public struct LayerReadResult: Sendable, Encodable {
    public struct Technique: Sendable, Encodable {
        public var techniqueID: String
        public var tactic: String?
        public var score: Double?
        public var color: String?
        public var comment: String?
        public var enabled: Bool

        enum CodingKeys: String, CodingKey {
            case tactic, score, color, comment, enabled
            case techniqueID = "technique_id"
        }
    }

    public var name: String
    public var description: String
    public var domain: String
    public var formatVersion: String
    public var attackVersion: String?
    public var techniques: [Technique]
    /// Ids the catalog does not know (reported, not fatal).
    public var unknownTechniqueIDs: [String]
    public var warnings: [String]

    init(_ layer: ImportedLayer) {
        name = layer.name
        description = layer.description
        domain = layer.domain
        formatVersion = layer.formatVersion
        attackVersion = layer.attackVersion
        techniques = layer.techniques.map {
            Technique(
                techniqueID: $0.techniqueID, tactic: $0.tactic, score: $0.score, color: $0.color, comment: $0.comment,
                enabled: $0.enabled)
        }
        unknownTechniqueIDs = layer.unknownTechniqueIDs
        warnings = layer.warnings
    }

    enum CodingKeys: String, CodingKey {
        case name, description, domain, techniques, warnings
        case formatVersion = "format_version"
        case attackVersion = "attack_version"
        case unknownTechniqueIDs = "unknown_technique_ids"
    }
}

/// `layer.compare`: what the layer covers that we do not.
public struct LayerCompareResult: Sendable, Encodable {
    public struct Gap: Sendable, Encodable {
        public var techniqueID: String
        public var tactics: [String]
        public var layerScore: Double?
        /// Ours; nil when we have no score for it.
        public var status: String?
        public var score: Double?

        enum CodingKeys: String, CodingKey {
            case tactics, status, score
            case techniqueID = "technique_id"
            case layerScore = "layer_score"
        }
    }

    public var name: String
    public var domain: String
    public var formatVersion: String
    public var inLayer: Int
    public var coveredByUs: Int
    public var gaps: [Gap]
    public var unknownTechniqueIDs: [String]
    public var warnings: [String]

    init(layer: ImportedLayer, comparison: LayerComparison) {
        name = layer.name
        domain = layer.domain
        formatVersion = layer.formatVersion
        inLayer = comparison.inLayerCount
        coveredByUs = comparison.coveredByUsCount
        gaps = comparison.gaps.map {
            Gap(techniqueID: $0.techniqueID, tactics: $0.tactics, layerScore: $0.layerScore, status: $0.status, score: $0.score)
        }
        unknownTechniqueIDs = comparison.unknownTechniqueIDs
        warnings = layer.warnings
    }

    enum CodingKeys: String, CodingKey {
        case name, domain, gaps, warnings
        case formatVersion = "format_version"
        case inLayer = "in_layer"
        case coveredByUs = "covered_by_us"
        case unknownTechniqueIDs = "unknown_technique_ids"
    }
}
