import Foundation

/// Reads the Mappings Explorer JSON of the Center for Threat-Informed Defense
/// (NIST SP 800-53, CIS Controls, CRI Profile, CSA CCM, AWS, Azure, GCP,
/// M365, VERIS, KEV...): `metadata` and `mapping_objects`.
///
/// - The framework id is the slug of `mapping_framework` and
///   `mapping_framework_version` joined by `-` (`nist_800_53-rev5`); the name
///   comes from `KnownFrameworks`.
/// - Each mapping object gives a control (`capability_id`,
///   `capability_description`, `capability_group`) and a mapping to
///   `attack_object_id`. Its type is `mapping_type` lowercased, except that
///   `technique_scores` (the cloud files) is replaced by the object's
///   `score_category` (`protect`, `detect`, `respond`) when it has one.
/// - An object maps nothing and is counted as skipped when it has no
///   `capability_id` (or one longer than `ComplianceID.maxControlIDLength`),
///   no `attack_object_id`, or `status` or `mapping_type` `non_mappable`.
/// - Fields of an unexpected JSON type count as absent.
public enum MappingsExplorerParser {
    /// Parses `content`; technique ids outside `knownTechniqueIDs` are reported,
    /// not imported. Throws `INVALID_ARGUMENT` (field `content`) when the
    /// content is not such a file or yields no control.
    public static func parse(_ content: Data, knownTechniqueIDs: Set<String>) throws(AegisError) -> ComplianceImport {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: content)
        } catch let shape as ShapeError {
            throw invalid(shape.message)
        } catch {
            throw invalid("content is not valid JSON")
        }
        let metadata = document.metadata ?? Metadata()
        guard let code = ComplianceText.clean(metadata.framework) else {
            throw invalid("content has no metadata.mapping_framework")
        }
        let version = ComplianceText.clean(metadata.version) ?? ""
        guard let id = ComplianceID.slug(version.isEmpty ? code : code + "-" + version) else {
            throw invalid("metadata.mapping_framework gives no usable framework id")
        }

        var builder = ComplianceImportBuilder(known: knownTechniqueIDs)
        for entry in document.objects {
            let type = mappingType(entry)
            guard entry.isObject, let control = ComplianceText.clean(entry.capabilityID),
                control.count <= ComplianceID.maxControlIDLength,
                let technique = ComplianceText.clean(entry.attackObjectID),
                entry.status?.lowercased() != "non_mappable", type != "non_mappable"
            else {
                builder.skipped += 1
                continue
            }
            builder.addControl(id: control, name: entry.capabilityDescription, group: entry.capabilityGroup)
            builder.addMapping(control: control, rawTechnique: technique, type: type)
        }
        guard !builder.controls.isEmpty else {
            throw invalid("content maps no controls (\(builder.skipped) mapping objects skipped)")
        }
        let framework = ComplianceFramework(
            id: id, name: KnownFrameworks.name(of: code), version: version,
            attackVersion: ComplianceText.clean(metadata.attackVersion), domain: ComplianceText.clean(metadata.domain),
            format: .mappingsExplorer, groupNames: metadata.groups, controls: builder.controls,
            mappings: builder.mappings)
        return ComplianceImport(
            framework: framework, unknownTechniqueIDs: builder.unknownTechniqueIDs,
            invalidTechniqueIDs: builder.invalidTechniqueIDs, skippedObjects: builder.skipped)
    }

    private static func mappingType(_ entry: Entry) -> String? {
        let type = ComplianceText.mappingType(entry.mappingType)
        if type == "technique_scores", let category = ComplianceText.mappingType(entry.scoreCategory) {
            return category
        }
        return type
    }

    private static func invalid(_ message: String) -> AegisError { .invalidArgument("content", message) }

    // MARK: - Decoding

    private enum ShapeError: Error {
        case notObject, noMappingObjects

        var message: String {
            switch self {
            case .notObject: "content is not a JSON object"
            case .noMappingObjects: "content has no mapping_objects array"
            }
        }
    }

    private struct Document: Decodable {
        var metadata: Metadata?
        var objects: [Entry]

        enum Key: String, CodingKey {
            case metadata
            case objects = "mapping_objects"
        }

        init(from decoder: any Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self) else { throw ShapeError.notObject }
            guard let objects = try? c.decode([Entry].self, forKey: .objects) else { throw ShapeError.noMappingObjects }
            self.objects = objects
            metadata = try? c.decodeIfPresent(Metadata.self, forKey: .metadata)
        }
    }

    private struct Metadata: Decodable {
        var framework: String?
        var version: String?
        var attackVersion: String?
        var domain: String?
        var groups: [String: String] = [:]

        enum Key: String, CodingKey {
            case framework = "mapping_framework"
            case version = "mapping_framework_version"
            case attackVersion = "attack_version"
            case domain = "technology_domain"
            case groups = "capability_groups"
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            framework = LenientString.read(c, .framework)
            version = LenientString.read(c, .version)
            attackVersion = LenientString.read(c, .attackVersion)
            domain = LenientString.read(c, .domain)
            let raw = (try? c.decodeIfPresent([String: LenientString].self, forKey: .groups)) ?? nil
            for (code, name) in raw ?? [:] {
                if let code = ComplianceText.clean(code), let name = ComplianceText.clean(name.value) {
                    groups[code] = name
                }
            }
        }
    }

    /// One element of `mapping_objects`; never fails to decode.
    private struct Entry: Decodable {
        var isObject = false
        var capabilityID: String?
        var capabilityDescription: String?
        var capabilityGroup: String?
        var mappingType: String?
        var scoreCategory: String?
        var attackObjectID: String?
        var status: String?

        enum Key: String, CodingKey {
            case capabilityID = "capability_id"
            case capabilityDescription = "capability_description"
            case capabilityGroup = "capability_group"
            case mappingType = "mapping_type"
            case scoreCategory = "score_category"
            case attackObjectID = "attack_object_id"
            case status
        }

        init(from decoder: any Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self) else { return }
            isObject = true
            capabilityID = LenientString.read(c, .capabilityID)
            capabilityDescription = LenientString.read(c, .capabilityDescription)
            capabilityGroup = LenientString.read(c, .capabilityGroup)
            mappingType = LenientString.read(c, .mappingType)
            scoreCategory = LenientString.read(c, .scoreCategory)
            attackObjectID = LenientString.read(c, .attackObjectID)
            status = LenientString.read(c, .status)
        }
    }

    /// A JSON string, or a number as text; nil for anything else.
    private struct LenientString: Decodable {
        var value: String?

        init(from decoder: any Decoder) throws {
            guard let c = try? decoder.singleValueContainer() else { return }
            if let s = try? c.decode(String.self) {
                value = s
            } else if let i = try? c.decode(Int64.self) {
                value = String(i)
            } else if let d = try? c.decode(Double.self), d.isFinite {
                value = "\(d)"
            }
        }

        static func read<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) -> String? {
            guard let lenient = try? c.decodeIfPresent(LenientString.self, forKey: key) else { return nil }
            return lenient.value
        }
    }
}
