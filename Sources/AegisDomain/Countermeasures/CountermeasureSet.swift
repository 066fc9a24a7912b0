/// One source's whole set of countermeasures and their links to ATT&CK
/// techniques: the params of `countermeasure.sync`, as a client sends them.
/// Nothing here is checked yet; the sync validates it.
public struct CountermeasureSet: Sendable, Equatable, Codable {
    /// A slug such as `d3fend`.
    public var source: String
    /// The source's release, such as `1.2.0`.
    public var version: String
    public var techniques: [Entry]
    public var links: [Link]

    public init(source: String, version: String, techniques: [Entry], links: [Link]) {
        self.source = source
        self.version = version
        self.techniques = techniques
        self.links = links
    }

    /// One countermeasure (a D3FEND defensive technique).
    public struct Entry: Sendable, Equatable, Codable {
        public var id: String
        public var name: String
        /// A D3FEND tactic (`Detect`), in any case.
        public var tactic: String
        /// The id of the countermeasure it specialises, one of this set.
        public var parent: String?
        public var iri: String?
        public var definition: String?

        public init(
            id: String, name: String, tactic: String, parent: String? = nil, iri: String? = nil,
            definition: String? = nil
        ) {
            self.id = id
            self.name = name
            self.tactic = tactic
            self.parent = parent
            self.iri = iri
            self.definition = definition
        }
    }

    /// An ATT&CK technique a countermeasure of this set addresses.
    public struct Link: Sendable, Equatable, Codable {
        public var attackID: String
        public var countermeasureID: String
        /// Artifact paths that relate them, if known.
        public var artifacts: [String]?

        public init(attackID: String, countermeasureID: String, artifacts: [String]? = nil) {
            self.attackID = attackID
            self.countermeasureID = countermeasureID
            self.artifacts = artifacts
        }

        enum CodingKeys: String, CodingKey {
            case artifacts
            case attackID = "attack_id"
            case countermeasureID = "countermeasure_id"
        }
    }
}
