/// What `NavigatorLayerReader` keeps of a Navigator layer file.
public struct ImportedLayer: Sendable, Equatable {
    /// One technique entry; a technique listed under several tactics gives
    /// several entries.
    public struct Technique: Sendable, Equatable {
        /// Trimmed and upper-cased: `T1059.001`.
        public var techniqueID: String
        /// Tactic shortname, trimmed and lower-cased; nil when the entry
        /// applies to every tactic of the technique.
        public var tactic: String?
        /// Nil when unscored (or the score was not a number; see `warnings`).
        public var score: Double?
        /// As written (`#rrggbb`); nil when absent or empty.
        public var color: String?
        /// Nil when absent or empty.
        public var comment: String?
        public var enabled: Bool

        public init(
            techniqueID: String, tactic: String? = nil, score: Double? = nil, color: String? = nil,
            comment: String? = nil, enabled: Bool = true
        ) {
            self.techniqueID = techniqueID
            self.tactic = tactic
            self.score = score
            self.color = color
            self.comment = comment
            self.enabled = enabled
        }
    }

    public var name: String
    public var description: String
    /// Normalised: a 3.x `mitre-enterprise` reads as `enterprise-attack`.
    public var domain: String
    /// The layer format the file declares: `4.5`, `3.0`...
    public var formatVersion: String
    /// `versions.attack`, when the file gives it (4.x only).
    public var attackVersion: String?
    /// In file order.
    public var techniques: [Technique]
    /// Technique ids of the file missing from the known set; sorted, unique.
    public var unknownTechniqueIDs: [String]
    /// What was ignored (a non-numeric score...), for people; capped.
    public var warnings: [String]

    public init(
        name: String, description: String, domain: String, formatVersion: String, attackVersion: String?,
        techniques: [Technique], unknownTechniqueIDs: [String], warnings: [String]
    ) {
        self.name = name
        self.description = description
        self.domain = domain
        self.formatVersion = formatVersion
        self.attackVersion = attackVersion
        self.techniques = techniques
        self.unknownTechniqueIDs = unknownTechniqueIDs
        self.warnings = warnings
    }
}
