/// An ATT&CK Navigator layer to emit, in layer format 4.5
/// (`layerformat-v4.5.md`). Field names follow the format's own camelCase
/// names; `jsonData()` writes the file.
public struct NavigatorLayer: Sendable, Equatable {
    /// The layer format this type writes (`versions.layer`).
    public static let formatVersion = "4.5"

    public var name: String
    public var description: String
    /// `enterprise-attack`, `mobile-attack` or `ics-attack`.
    public var domain: String
    /// ATT&CK version of the layer (`versions.attack`), e.g. "18"; omitted when nil.
    public var attackVersion: String?
    /// `versions.navigator`; the format asks for at least 4.9.0.
    public var navigatorVersion: String
    public var techniques: [Technique]
    public var gradient: Gradient
    public var legendItems: [LegendItem]
    public var metadata: [Metadata]
    public var links: [Link]
    /// `filters.platforms`; nil omits the filter (every platform of the domain).
    public var platforms: [String]?
    public var sorting: Sorting
    public var layout: Layout
    /// Omit disabled techniques from the view rather than grey them out.
    public var hideDisabled: Bool
    public var showTacticRowBackground: Bool
    /// `#rrggbb`.
    public var tacticRowBackground: String
    public var selectTechniquesAcrossTactics: Bool
    public var selectSubtechniquesWithParent: Bool
    public var selectVisibleTechniques: Bool

    public init(
        name: String, description: String = "", domain: String = "enterprise-attack", attackVersion: String? = nil,
        navigatorVersion: String = "5.1.0", techniques: [Technique] = [], gradient: Gradient = .default,
        legendItems: [LegendItem] = [], metadata: [Metadata] = [], links: [Link] = [], platforms: [String]? = nil,
        sorting: Sorting = .nameAscending, layout: Layout = Layout(), hideDisabled: Bool = false,
        showTacticRowBackground: Bool = false, tacticRowBackground: String = "#dddddd",
        selectTechniquesAcrossTactics: Bool = true, selectSubtechniquesWithParent: Bool = true,
        selectVisibleTechniques: Bool = false
    ) {
        self.name = name
        self.description = description
        self.domain = domain
        self.attackVersion = attackVersion
        self.navigatorVersion = navigatorVersion
        self.techniques = techniques
        self.gradient = gradient
        self.legendItems = legendItems
        self.metadata = metadata
        self.links = links
        self.platforms = platforms
        self.sorting = sorting
        self.layout = layout
        self.hideDisabled = hideDisabled
        self.showTacticRowBackground = showTacticRowBackground
        self.tacticRowBackground = tacticRowBackground
        self.selectTechniquesAcrossTactics = selectTechniquesAcrossTactics
        self.selectSubtechniquesWithParent = selectSubtechniquesWithParent
        self.selectVisibleTechniques = selectVisibleTechniques
    }
}

extension NavigatorLayer {
    /// One annotated technique or sub-technique of the layer.
    public struct Technique: Sendable, Equatable {
        /// `T1059` or `T1059.001`.
        public var techniqueID: String
        /// Tactic shortname (`lateral-movement`); nil annotates the technique
        /// under every tactic it belongs to.
        public var tactic: String?
        /// Nil leaves the technique unscored (no gradient color).
        public var score: Double?
        /// Explicit `#rrggbb`, overriding the score's color.
        public var color: String?
        public var comment: String
        public var enabled: Bool
        public var metadata: [Metadata]
        public var links: [Link]
        /// Show the sub-techniques by default (techniques with sub-techniques only).
        public var showSubtechniques: Bool

        public init(
            techniqueID: String, tactic: String? = nil, score: Double? = nil, color: String? = nil,
            comment: String = "", enabled: Bool = true, metadata: [Metadata] = [], links: [Link] = [],
            showSubtechniques: Bool = false
        ) {
            self.techniqueID = techniqueID
            self.tactic = tactic
            self.score = score
            self.color = color
            self.comment = comment
            self.enabled = enabled
            self.metadata = metadata
            self.links = links
            self.showSubtechniques = showSubtechniques
        }
    }

    /// A metadata entry, or a divider between entries.
    public enum Metadata: Sendable, Equatable {
        case item(name: String, value: String)
        case divider
    }

    /// A link, or a divider between links. The URL must carry its scheme
    /// (`https://`).
    public enum Link: Sendable, Equatable {
        case link(label: String, url: String)
        case divider
    }
}
