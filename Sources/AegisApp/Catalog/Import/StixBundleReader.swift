import AegisDomain
import Foundation

/// Reads an official ATT&CK STIX 2.1 bundle (`enterprise-attack.json`,
/// `ics-attack.json`, `mobile-attack.json`) into a `RawCatalog`.
enum StixBundleReader {
    static func read(_ bundle: StixBundle, file: String) throws(CatalogImportError) -> RawCatalog {
        var raw = RawCatalog()
        var domains: [String: Int] = [:]
        for object in bundle.objects {
            guard let type = object.type else { continue }
            switch type {
            case "x-mitre-collection":
                raw.name = object.name ?? ""
                raw.version = object.version ?? ""
                raw.modified = object.modified.flatMap(StixDate.parse)
            case "x-mitre-matrix":
                raw.matrixTacticRefs.append(contentsOf: object.tacticRefs ?? [])
                for d in object.domains ?? [] { domains[d, default: 0] += 1 }
                if raw.name.isEmpty { raw.name = object.name ?? "" }
            case "x-mitre-tactic":
                var t = try normalise(object, file: file)
                t.shortname = object.shortname ?? ""
                raw.tactics.append(t)
            case "attack-pattern":
                var t = try normalise(object, file: file)
                t.tactics = (object.killChainPhases ?? []).compactMap { phase in
                    phase.killChainName.hasPrefix("mitre-") ? phase.phaseName : nil
                }
                t.isSubtechnique = object.isSubtechnique ?? false
                raw.techniques.append(t)
            case "intrusion-set", "campaign":
                var a = try normalise(object, file: file)
                a.aliases = object.aliases ?? []
                a.firstSeen = object.firstSeen.flatMap(StixDate.parse)
                a.lastSeen = object.lastSeen.flatMap(StixDate.parse)
                if type == "campaign" { raw.campaigns.append(a) } else { raw.groups.append(a) }
            case "course-of-action":
                raw.mitigations.append(try normalise(object, file: file))
            case "x-mitre-detection-strategy":
                var s = try normalise(object, file: file)
                s.analyticRefs = object.analyticRefs ?? []
                raw.detectionStrategies.append(s)
            case "x-mitre-analytic":
                var a = try normalise(object, file: file)
                a.logSources = (object.logSourceReferences ?? []).map {
                    (ref: $0.dataComponentRef, name: $0.name ?? "", channel: $0.channel ?? "")
                }
                raw.analytics.append(a)
            case "x-mitre-data-component":
                raw.dataComponents.append(try normalise(object, file: file))
            case "relationship":
                guard object.revoked != true, object.deprecated != true,
                    let kind = object.relationshipType, let source = object.sourceRef, let target = object.targetRef
                else { continue }
                raw.relationships.append(.init(type: kind, source: source, target: target))
            default:
                continue
            }
        }
        if domains.isEmpty {
            // No matrix: the domain most of the techniques name.
            for t in raw.techniques { for d in t.domains { domains[d, default: 0] += 1 } }
        }
        raw.domain = domains.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        return raw
    }

    private static func normalise(_ o: StixObject, file: String) throws(CatalogImportError) -> RawCatalog.Object {
        guard let id = o.id else {
            throw CatalogImportError(file: file, objectID: nil, reason: "a \(o.type ?? "STIX") object has no id")
        }
        guard let name = o.name else {
            throw CatalogImportError(file: file, objectID: id, reason: "name: missing")
        }
        // `mitre-attack`, `mitre-ics-attack`, `mitre-mobile-attack`.
        let reference = o.externalReferences?.first {
            ($0.sourceName ?? "").hasPrefix("mitre-") && ($0.sourceName ?? "").hasSuffix("attack") && $0.externalID != nil
        }
        return RawCatalog.Object(
            stixID: id, externalID: reference?.externalID, name: name, description: o.description ?? "",
            url: reference?.url ?? "", revoked: o.revoked ?? false, deprecated: o.deprecated ?? false,
            domains: o.domains ?? [], platforms: o.platforms ?? [],
            created: o.created.flatMap(StixDate.parse), modified: o.modified.flatMap(StixDate.parse))
    }
}

/// The parts of a STIX 2.1 bundle the catalog reads.
struct StixBundle: Decodable {
    var type: String
    var objects: [StixObject]
}

/// Every STIX object kind the catalog reads, with the union of their
/// fields; unknown fields are ignored.
struct StixObject: Decodable {
    struct ExternalReference: Decodable {
        var sourceName: String?
        var externalID: String?
        var url: String?
        enum CodingKeys: String, CodingKey {
            case url
            case sourceName = "source_name"
            case externalID = "external_id"
        }
    }

    struct KillChainPhase: Decodable {
        var killChainName: String
        var phaseName: String
        enum CodingKeys: String, CodingKey {
            case killChainName = "kill_chain_name"
            case phaseName = "phase_name"
        }
    }

    struct LogSourceReference: Decodable {
        var dataComponentRef: String
        var name: String?
        var channel: String?
        enum CodingKeys: String, CodingKey {
            case name, channel
            case dataComponentRef = "x_mitre_data_component_ref"
        }
    }

    var type: String?
    var id: String?
    var name: String?
    var description: String?
    var created: String?
    var modified: String?
    var revoked: Bool?
    var deprecated: Bool?
    var domains: [String]?
    var platforms: [String]?
    var externalReferences: [ExternalReference]?
    var killChainPhases: [KillChainPhase]?
    var isSubtechnique: Bool?
    var shortname: String?
    var aliases: [String]?
    var firstSeen: String?
    var lastSeen: String?
    var tacticRefs: [String]?
    var analyticRefs: [String]?
    var logSourceReferences: [LogSourceReference]?
    var version: String?
    var relationshipType: String?
    var sourceRef: String?
    var targetRef: String?

    enum CodingKeys: String, CodingKey {
        case type, id, name, description, created, modified, revoked, aliases
        case deprecated = "x_mitre_deprecated"
        case domains = "x_mitre_domains"
        case platforms = "x_mitre_platforms"
        case externalReferences = "external_references"
        case killChainPhases = "kill_chain_phases"
        case isSubtechnique = "x_mitre_is_subtechnique"
        case shortname = "x_mitre_shortname"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case tacticRefs = "tactic_refs"
        case analyticRefs = "x_mitre_analytic_refs"
        case logSourceReferences = "x_mitre_log_source_references"
        case version = "x_mitre_version"
        case relationshipType = "relationship_type"
        case sourceRef = "source_ref"
        case targetRef = "target_ref"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try? c.decodeIfPresent(String.self, forKey: .id)
        do {
            type = try c.decodeIfPresent(String.self, forKey: .type)
            self.id = id
            guard StixObject.readTypes.contains(type ?? "") else { return }
            name = try c.decodeIfPresent(String.self, forKey: .name)
            description = try c.decodeIfPresent(String.self, forKey: .description)
            created = try c.decodeIfPresent(String.self, forKey: .created)
            modified = try c.decodeIfPresent(String.self, forKey: .modified)
            revoked = try c.decodeIfPresent(Bool.self, forKey: .revoked)
            deprecated = try c.decodeIfPresent(Bool.self, forKey: .deprecated)
            domains = try c.decodeIfPresent([String].self, forKey: .domains)
            platforms = try c.decodeIfPresent([String].self, forKey: .platforms)
            externalReferences = try c.decodeIfPresent([ExternalReference].self, forKey: .externalReferences)
            killChainPhases = try c.decodeIfPresent([KillChainPhase].self, forKey: .killChainPhases)
            isSubtechnique = try c.decodeIfPresent(Bool.self, forKey: .isSubtechnique)
            shortname = try c.decodeIfPresent(String.self, forKey: .shortname)
            aliases = try c.decodeIfPresent([String].self, forKey: .aliases)
            firstSeen = try c.decodeIfPresent(String.self, forKey: .firstSeen)
            lastSeen = try c.decodeIfPresent(String.self, forKey: .lastSeen)
            tacticRefs = try c.decodeIfPresent([String].self, forKey: .tacticRefs)
            analyticRefs = try c.decodeIfPresent([String].self, forKey: .analyticRefs)
            logSourceReferences = try c.decodeIfPresent([LogSourceReference].self, forKey: .logSourceReferences)
            version = try c.decodeIfPresent(String.self, forKey: .version)
            relationshipType = try c.decodeIfPresent(String.self, forKey: .relationshipType)
            sourceRef = try c.decodeIfPresent(String.self, forKey: .sourceRef)
            targetRef = try c.decodeIfPresent(String.self, forKey: .targetRef)
        } catch {
            throw InvalidStixObject(objectID: id, reason: describeDecodingError(error))
        }
    }

    /// Object types whose fields are decoded; others are skipped cheaply.
    static let readTypes: Set<String> = [
        "x-mitre-collection", "x-mitre-matrix", "x-mitre-tactic", "attack-pattern", "intrusion-set", "campaign",
        "course-of-action", "x-mitre-detection-strategy", "x-mitre-analytic", "x-mitre-data-component",
        "relationship",
    ]
}
