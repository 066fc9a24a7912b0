/// Where things go in a heatmap drawing, in whole pixels.
struct HeatmapLayout {
    static let margin = 20
    static let columnWidth = 170
    static let columnGap = 6
    static let titleSize = 20.0
    static let titleBaseline = 40
    static let subtitleSize = 12.0
    static let subtitleBaseline = 60
    static let headerTop = 76
    static let headerHeight = 36
    static let bodyTop = headerTop + headerHeight + 4
    static let techniqueHeight = 20
    static let techniquePitch = 22
    static let subtechniqueIndent = 10
    static let subtechniqueHeight = 14
    static let subtechniquePitch = 16
    static let cellPadding = 4
    static let legendGap = 16
    static let legendHeight = 14
    static let legendFontSize = 11.0
    static let legendSwatchWidth = 18
    static let legendLabelMaxWidth = 200.0
    static let legendHeading = "Legend"
    static let minimumContentWidth = 480

    /// Whole drawing.
    let width: Int
    let height: Int
    /// Width between the margins, for the title and subtitle.
    let contentWidth: Int
    /// Height of every column's body: the tallest column's (at least one row).
    let bodyHeight: Int
    /// Top of the legend row.
    let legendTop: Int

    init(_ matrix: HeatmapMatrix) {
        let columns = matrix.tactics.count
        let columnsWidth = columns == 0 ? 0 : columns * Self.columnWidth + (columns - 1) * Self.columnGap
        contentWidth = Swift.max(columnsWidth, Self.legendWidth(matrix.effectiveLegend), Self.minimumContentWidth)
        width = contentWidth + 2 * Self.margin
        bodyHeight = Swift.max(matrix.tactics.map(Self.columnHeight).max() ?? 0, Self.techniquePitch)
        legendTop = Self.bodyTop + bodyHeight + Self.legendGap
        let legendRow = matrix.effectiveLegend.isEmpty ? 0 : Self.legendGap + Self.legendHeight
        height = Self.bodyTop + bodyHeight + legendRow + Self.margin
    }

    /// Left edge of column `index`.
    static func columnX(_ index: Int) -> Int { margin + index * (columnWidth + columnGap) }

    /// Height of a column's cells, row gaps included.
    static func columnHeight(_ column: HeatmapMatrix.Column) -> Int {
        column.techniques.reduce(0) { $0 + techniquePitch + $1.subtechniques.count * subtechniquePitch }
    }

    /// A legend label as drawn.
    static func legendLabel(_ item: HeatmapMatrix.LegendItem) -> String {
        TextMetrics.fit(item.label, maxWidth: legendLabelMaxWidth, fontSize: legendFontSize)
    }

    /// Width of a legend item: swatch, gap, label, spacing to the next.
    static func legendItemWidth(_ item: HeatmapMatrix.LegendItem) -> Int {
        legendSwatchWidth + 4 + Int(TextMetrics.width(legendLabel(item), fontSize: legendFontSize).rounded(.up)) + 14
    }

    /// Width of the heading "Legend" and the spacing after it.
    static var legendHeadingWidth: Int {
        Int(TextMetrics.width(legendHeading, fontSize: legendFontSize, bold: true).rounded(.up)) + 10
    }

    private static func legendWidth(_ legend: [HeatmapMatrix.LegendItem]) -> Int {
        legend.isEmpty ? 0 : legend.reduce(legendHeadingWidth) { $0 + legendItemWidth($1) }
    }
}
