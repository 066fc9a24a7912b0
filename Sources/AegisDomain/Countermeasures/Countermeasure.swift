import Foundation

/// A countermeasure: a D3FEND defensive technique (`D3-PSA`, Process Spawn
/// Analysis), synced from a source such as `d3fend`.
public struct Countermeasure: Sendable, Equatable, Codable {
    /// Upper case, such as `D3-PSA`.
    public var id: String
    public var name: String
    public var tactic: DefensiveTactic
    /// The id of the countermeasure this one specialises, if any.
    public var parent: String?
    /// Its IRI in the source's ontology, if given.
    public var iri: String?
    /// May be empty.
    public var definition: String
    /// The source that synced it (`d3fend`) and that source's version.
    public var source: String
    public var sourceVersion: String

    public init(
        id: String, name: String, tactic: DefensiveTactic, parent: String? = nil, iri: String? = nil,
        definition: String = "", source: String, sourceVersion: String
    ) {
        self.id = id
        self.name = name
        self.tactic = tactic
        self.parent = parent
        self.iri = iri
        self.definition = definition
        self.source = source
        self.sourceVersion = sourceVersion
    }

    /// What a sync compares: everything but the source's version.
    public func sameContent(as other: Countermeasure) -> Bool {
        id == other.id && name == other.name && tactic == other.tactic && parent == other.parent && iri == other.iri
            && definition == other.definition
    }

    enum CodingKeys: String, CodingKey {
        case id, name, tactic, parent, iri, definition, source
        case sourceVersion = "source_version"
    }
}

/// A countermeasure addresses an ATT&CK technique, through the digital
/// artifacts both touch.
public struct CountermeasureLink: Sendable, Equatable, Hashable {
    public var countermeasureID: String
    public var techniqueID: String
    /// D3FEND's artifact paths (`executes:ExecutableScript<analyzes:ExecutableFile`), in source order.
    public var artifacts: [String]

    public init(countermeasureID: String, techniqueID: String, artifacts: [String] = []) {
        self.countermeasureID = countermeasureID
        self.techniqueID = techniqueID
        self.artifacts = artifacts
    }
}

/// A countermeasure as other results name it: `technique.get`, reports.
public struct CountermeasureRef: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var tactic: DefensiveTactic

    public init(id: String, name: String, tactic: DefensiveTactic) {
        self.id = id
        self.name = name
        self.tactic = tactic
    }
}

/// `countermeasure.get`: the countermeasure and the techniques it addresses.
public struct CountermeasureDetail: Sendable, Equatable, Encodable {
    public var countermeasure: Countermeasure
    /// By technique id.
    public var techniques: [AddressedTechnique]

    public init(countermeasure: Countermeasure, techniques: [AddressedTechnique]) {
        self.countermeasure = countermeasure
        self.techniques = techniques
    }

    /// The countermeasure's fields, then `techniques`.
    public func encode(to encoder: any Encoder) throws {
        try countermeasure.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(techniques, forKey: .techniques)
    }

    enum CodingKeys: String, CodingKey { case techniques }
}

/// An ATT&CK technique a countermeasure addresses, and through what.
public struct AddressedTechnique: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var artifacts: [String]

    public init(id: String, name: String, artifacts: [String]) {
        self.id = id
        self.name = name
        self.artifacts = artifacts
    }
}

/// Filters of `countermeasure.list`.
public struct CountermeasureQuery: Sendable, Equatable {
    /// Only those addressing this technique.
    public var techniqueID: String?
    public var tactic: DefensiveTactic?
    /// Text in the id or name, ignoring ASCII case.
    public var text: String?
    public var page: PageRequest

    public init(
        techniqueID: String? = nil, tactic: DefensiveTactic? = nil, text: String? = nil,
        page: PageRequest = PageRequest()
    ) {
        self.techniqueID = techniqueID
        self.tactic = tactic
        self.text = text
        self.page = page
    }
}
