/// What an ATT&CK coverage heatmap shows: tactics as columns in matrix
/// order, each with its techniques (in the order given) and their
/// sub-techniques. Input of `HeatmapSVG` and `HeatmapHTML`.
public struct HeatmapMatrix: Sendable, Equatable {
    /// A tactic column, e.g. `TA0001` "Initial Access".
    public struct Column: Sendable, Equatable {
        /// `TA0001`.
        public var id: String
        public var name: String
        /// Drawn top to bottom in this order.
        public var techniques: [Cell]

        public init(id: String, name: String, techniques: [Cell]) {
            self.id = id
            self.name = name
            self.techniques = techniques
        }

        /// Mean of the techniques' scores (sub-techniques not counted),
        /// unscored techniques left out, each score clamped to 0...100;
        /// nil when no technique is scored.
        public var meanScore: Double? {
            let scores = techniques.compactMap { HeatmapScore.clamped($0.score) }
            guard !scores.isEmpty else { return nil }
            return scores.reduce(0, +) / Double(scores.count)
        }
    }

    /// A technique (or sub-technique) cell, e.g. `T1059` "Command and
    /// Scripting Interpreter".
    public struct Cell: Sendable, Equatable {
        /// `T1059`, or `T1059.001` for a sub-technique (drawn as `.001`
        /// under a parent whose id it extends).
        public var id: String
        public var name: String
        /// 0...100; nil when not scored.
        public var score: Double?
        /// A technique status such as `detected`; shown in the tooltip.
        public var status: String?
        /// Drawn under the cell, indented; a sub-technique's own list is ignored.
        public var subtechniques: [Cell]

        public init(id: String, name: String, score: Double? = nil, status: String? = nil, subtechniques: [Cell] = []) {
            self.id = id
            self.name = name
            self.score = score
            self.status = status
            self.subtechniques = subtechniques
        }
    }

    /// A legend swatch: `color` is `#rrggbb` (another value draws grey).
    public struct LegendItem: Sendable, Equatable {
        public var label: String
        public var color: String

        public init(label: String, color: String) {
            self.label = label
            self.color = color
        }
    }

    /// The heading; also the HTML page's `<title>`.
    public var title: String
    /// A second line under the title, e.g. "ATT&CK Enterprise v18.1 · 2026-11-22".
    public var subtitle: String
    /// Columns left to right, in matrix order.
    public var tactics: [Column]
    /// Nil draws `HeatmapPalette.defaultLegend`; empty draws no legend.
    public var legend: [LegendItem]?

    public init(title: String, subtitle: String, tactics: [Column], legend: [LegendItem]? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.tactics = tactics
        self.legend = legend
    }

    /// The legend drawn: `legend`, or the default one when nil.
    public var effectiveLegend: [LegendItem] { legend ?? HeatmapPalette.defaultLegend }
}
