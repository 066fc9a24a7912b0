extension NavigatorLayer {
    /// Colors spread evenly from `minValue` (first color) to `maxValue`
    /// (last color). Needs at least two `#rrggbb` colors and
    /// `maxValue > minValue`.
    public struct Gradient: Sendable, Equatable {
        public var colors: [String]
        public var minValue: Double
        public var maxValue: Double

        public init(colors: [String], minValue: Double, maxValue: Double) {
            self.colors = colors
            self.minValue = minValue
            self.maxValue = maxValue
        }

        /// Navigator's default: red, yellow, green over 0...100.
        public static let `default` = Gradient(colors: ["#ff6666", "#ffe766", "#8ec843"], minValue: 0, maxValue: 100)
    }

    /// One entry of the legend.
    public struct LegendItem: Sendable, Equatable {
        public var label: String
        /// `#rrggbb`.
        public var color: String

        public init(label: String, color: String) {
            self.label = label
            self.color = color
        }
    }

    /// Order of the techniques within each tactic (`sorting`).
    public enum Sorting: Int, Sendable, Equatable, CaseIterable {
        case nameAscending = 0
        case nameDescending = 1
        case scoreAscending = 2
        case scoreDescending = 3
    }

    /// How the matrix is drawn (`layout`); defaults are the format's.
    public struct Layout: Sendable, Equatable {
        public enum Style: String, Sendable, Equatable, CaseIterable { case side, flat, mini }
        public enum AggregateFunction: String, Sendable, Equatable, CaseIterable { case average, min, max, sum }
        public enum ExpandedSubtechniques: String, Sendable, Equatable, CaseIterable { case none, all, annotated }

        public var layout: Style
        public var showID: Bool
        public var showName: Bool
        public var showAggregateScores: Bool
        public var countUnscored: Bool
        public var aggregateFunction: AggregateFunction
        public var expandedSubtechniques: ExpandedSubtechniques

        public init(
            layout: Style = .side, showID: Bool = false, showName: Bool = true, showAggregateScores: Bool = false,
            countUnscored: Bool = false, aggregateFunction: AggregateFunction = .average,
            expandedSubtechniques: ExpandedSubtechniques = .none
        ) {
            self.layout = layout
            self.showID = showID
            self.showName = showName
            self.showAggregateScores = showAggregateScores
            self.countUnscored = countUnscored
            self.aggregateFunction = aggregateFunction
            self.expandedSubtechniques = expandedSubtechniques
        }
    }
}
