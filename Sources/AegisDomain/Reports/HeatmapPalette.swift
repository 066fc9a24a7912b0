import Foundation

/// The heatmap's colours: red (0) through yellow (50) to green (100).
public enum HeatmapPalette {
    /// Fill of a cell without a score.
    public static let notScoredColor = "#dddddd"
    /// Text on light fills.
    public static let darkText = "#1a1a1a"
    /// Text on dark fills.
    public static let lightText = "#ffffff"

    /// Stops at 0, 25, 50, 75 and 100 (ColorBrewer RdYlGn).
    private static let stops: [HexColor] = [
        HexColor(red: 0xd7, green: 0x30, blue: 0x27),
        HexColor(red: 0xfc, green: 0x8d, blue: 0x59),
        HexColor(red: 0xfe, green: 0xe0, blue: 0x8b),
        HexColor(red: 0x91, green: 0xcf, blue: 0x60),
        HexColor(red: 0x1a, green: 0x98, blue: 0x50),
    ]

    /// The fill for `score` as `#rrggbb`: linear between the stops at
    /// 0/25/50/75/100; scores outside 0...100 are clamped; nil or NaN
    /// gives `notScoredColor`.
    public static func color(forScore score: Double?) -> String {
        guard let value = HeatmapScore.clamped(score) else { return notScoredColor }
        return HexColor.along(stops, at: value / 100).hex
    }

    /// `darkText` or `lightText`, whichever contrasts more with `fill`
    /// (WCAG relative luminance); `darkText` when `fill` is not `#rrggbb`.
    public static func textColor(onFill fill: String) -> String {
        guard let color = HexColor(fill) else { return darkText }
        let luminance = relativeLuminance(color)
        let darkLuminance = HexColor(darkText).map(relativeLuminance) ?? 0
        let againstLight = 1.05 / (luminance + 0.05)
        let againstDark = (luminance + 0.05) / (darkLuminance + 0.05)
        return againstLight > againstDark ? lightText : darkText
    }

    /// Scores 0, 25, 50, 75, 100 and "not scored".
    public static let defaultLegend: [HeatmapMatrix.LegendItem] =
        [0.0, 25, 50, 75, 100].map { .init(label: HeatmapScore.text($0) ?? "", color: color(forScore: $0)) }
        + [.init(label: "not scored", color: notScoredColor)]

    private static func relativeLuminance(_ color: HexColor) -> Double {
        func linear(_ channel: UInt8) -> Double {
            let c = Double(channel) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(color.red) + 0.7152 * linear(color.green) + 0.0722 * linear(color.blue)
    }
}
