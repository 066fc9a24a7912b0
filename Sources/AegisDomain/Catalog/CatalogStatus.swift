import Foundation

/// What the catalog holds, per ATT&CK domain.
public struct CatalogStatus: Sendable, Equatable, Codable {
    public var domains: [CatalogDomainStatus]

    public init(domains: [CatalogDomainStatus]) { self.domains = domains }

    /// `enterprise-attack 18.1, ics-attack 18.1`, or nil when empty.
    public var versionSummary: String? {
        domains.isEmpty ? nil : domains.map { "\($0.domain) \($0.version)" }.joined(separator: ", ")
    }
}

/// One imported ATT&CK domain.
public struct CatalogDomainStatus: Sendable, Equatable, Codable {
    public var domain: String
    public var name: String
    public var version: String
    public var modified: Date?
    public var importedAt: Date
    public var source: CatalogSource
    public var counts: CatalogCounts

    public init(
        domain: String, name: String, version: String, modified: Date?, importedAt: Date,
        source: CatalogSource, counts: CatalogCounts
    ) {
        self.domain = domain
        self.name = name
        self.version = version
        self.modified = modified
        self.importedAt = importedAt
        self.source = source
        self.counts = counts
    }

    enum CodingKeys: String, CodingKey {
        case domain, name, version, modified, source, counts
        case importedAt = "imported_at"
    }
}

/// How many objects of each kind a domain holds (revoked and deprecated
/// included, and also counted on their own).
public struct CatalogCounts: Sendable, Equatable, Codable {
    public var tactics = 0
    public var techniques = 0
    public var subtechniques = 0
    public var groups = 0
    public var campaigns = 0
    public var mitigations = 0
    public var detectionStrategies = 0
    public var analytics = 0
    public var dataComponents = 0
    public var revoked = 0
    public var deprecated = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case tactics, techniques, subtechniques, groups, campaigns, mitigations, analytics, revoked, deprecated
        case detectionStrategies = "detection_strategies"
        case dataComponents = "data_components"
    }
}

/// What one import changed.
public struct CatalogImportSummary: Sendable, Equatable, Codable {
    public struct DomainChanges: Sendable, Equatable, Codable {
        public var domain: String
        public var version: String
        public var counts: CatalogCounts
        /// Techniques new to the catalog.
        public var added: Int
        /// Techniques whose content changed.
        public var updated: Int
        public var unchanged: Int
        /// Techniques revoked by this import: id -> successor id.
        public var revoked: [String: String]
        public var warnings: [String]

        public init(
            domain: String, version: String, counts: CatalogCounts, added: Int, updated: Int, unchanged: Int,
            revoked: [String: String], warnings: [String]
        ) {
            self.domain = domain
            self.version = version
            self.counts = counts
            self.added = added
            self.updated = updated
            self.unchanged = unchanged
            self.revoked = revoked
            self.warnings = warnings
        }
    }

    public var domains: [DomainChanges]
    /// Milliseconds spent parsing and writing.
    public var elapsedMS: Int

    public init(domains: [DomainChanges], elapsedMS: Int) {
        self.domains = domains
        self.elapsedMS = elapsedMS
    }

    enum CodingKeys: String, CodingKey {
        case domains
        case elapsedMS = "elapsed_ms"
    }
}
