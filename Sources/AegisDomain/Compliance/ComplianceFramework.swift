/// A compliance framework (NIST SP 800-53, CIS Controls, a cloud provider's
/// security services...) whose controls map to ATT&CK techniques.
public struct ComplianceFramework: Sendable, Equatable, Codable {
    /// A slug: lowercase `[a-z0-9._-]`, such as `nist_800_53-rev5`.
    public var id: String
    /// For people, such as `NIST SP 800-53`.
    public var name: String
    /// The framework's own version (`rev5`, `8.2`, `12/12/2024`); may be empty.
    public var version: String
    /// The ATT&CK version the mappings were made against, if stated.
    public var attackVersion: String?
    /// The ATT&CK domain (`enterprise`, `mobile`, `ics`), if stated.
    public var domain: String?
    public var format: ComplianceFormat
    /// Names of control groups by code (`AC` → `Access Control`), if stated.
    public var groupNames: [String: String]
    /// Unique by id, in the order the content first names them.
    public var controls: [ComplianceControl]
    /// Unique by (control, technique, type), in the order the content names them.
    public var mappings: [ControlMapping]

    public init(
        id: String, name: String, version: String, attackVersion: String? = nil, domain: String? = nil,
        format: ComplianceFormat, groupNames: [String: String] = [:], controls: [ComplianceControl],
        mappings: [ControlMapping]
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.attackVersion = attackVersion
        self.domain = domain
        self.format = format
        self.groupNames = groupNames
        self.controls = controls
        self.mappings = mappings
    }

    enum CodingKeys: String, CodingKey {
        case id, name, version, domain, format, controls, mappings
        case attackVersion = "attack_version"
        case groupNames = "group_names"
    }
}

/// Where a framework was imported from; the wire names of
/// `compliance.framework.import`'s `format`.
public enum ComplianceFormat: String, Sendable, Codable, CaseIterable {
    /// The Center for Threat-Informed Defense's Mappings Explorer JSON.
    case mappingsExplorer = "mappings_explorer"
    /// The simple CSV of `ComplianceCSVParser`.
    case csv
}

/// One control (or capability) of a framework.
public struct ComplianceControl: Sendable, Equatable, Hashable, Codable {
    /// As the framework spells it (`AC-02`, `12.8`, `amazon_guardduty`).
    public var id: String
    /// Its title or description; the id when the content gives none.
    public var name: String
    /// The code of its group (`AC`), if any.
    public var group: String?

    public init(id: String, name: String, group: String? = nil) {
        self.id = id
        self.name = name
        self.group = group
    }
}

/// A control mapped to a technique.
public struct ControlMapping: Sendable, Equatable, Hashable, Codable {
    public var controlID: String
    /// Normalised: `T1059` or `T1059.001`.
    public var techniqueID: String
    /// Lowercase, such as `mitigates`, `protect`, `detect`, `primary_impact`.
    public var mappingType: String?

    public init(controlID: String, techniqueID: String, mappingType: String? = nil) {
        self.controlID = controlID
        self.techniqueID = techniqueID
        self.mappingType = mappingType
    }

    enum CodingKeys: String, CodingKey {
        case controlID = "control_id"
        case techniqueID = "technique_id"
        case mappingType = "mapping_type"
    }
}
