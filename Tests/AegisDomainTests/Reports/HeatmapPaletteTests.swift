import AegisDomain
import Testing

@Suite struct HeatmapPaletteTests {
    @Test func endsAndMiddle() {
        #expect(HeatmapPalette.color(forScore: 0) == "#d73027")
        #expect(HeatmapPalette.color(forScore: 25) == "#fc8d59")
        #expect(HeatmapPalette.color(forScore: 50) == "#fee08b")
        #expect(HeatmapPalette.color(forScore: 100) == "#1a9850")
    }

    @Test func interpolatesBetweenStops() {
        // Halfway between #fee08b (50) and #91cf60 (75), each channel rounded.
        #expect(HeatmapPalette.color(forScore: 62.5) == "#c8d876")
        #expect(HeatmapPalette.color(forScore: 1) != HeatmapPalette.color(forScore: 0))
    }

    @Test func notScoredIsLightGrey() {
        #expect(HeatmapPalette.color(forScore: nil) == HeatmapPalette.notScoredColor)
        #expect(HeatmapPalette.color(forScore: .nan) == HeatmapPalette.notScoredColor)
        #expect(HeatmapPalette.notScoredColor == "#dddddd")
    }

    @Test func clampsOutOfRange() {
        #expect(HeatmapPalette.color(forScore: -0.1) == "#d73027")
        #expect(HeatmapPalette.color(forScore: -1e300) == "#d73027")
        #expect(HeatmapPalette.color(forScore: -.infinity) == "#d73027")
        #expect(HeatmapPalette.color(forScore: 100.5) == "#1a9850")
        #expect(HeatmapPalette.color(forScore: .infinity) == "#1a9850")
    }

    @Test func textContrastsWithFill() {
        #expect(HeatmapPalette.textColor(onFill: "#d73027") == HeatmapPalette.lightText)
        #expect(HeatmapPalette.textColor(onFill: "#000000") == HeatmapPalette.lightText)
        #expect(HeatmapPalette.textColor(onFill: "#fee08b") == HeatmapPalette.darkText)
        #expect(HeatmapPalette.textColor(onFill: HeatmapPalette.notScoredColor) == HeatmapPalette.darkText)
        #expect(HeatmapPalette.textColor(onFill: "not a colour") == HeatmapPalette.darkText)
    }

    @Test func defaultLegend() {
        let legend = HeatmapPalette.defaultLegend
        #expect(legend.map(\.label) == ["0", "25", "50", "75", "100", "not scored"])
        #expect(legend.map(\.color) == ["#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850", "#dddddd"])
        let matrix = HeatmapMatrix(title: "t", subtitle: "s", tactics: [])
        #expect(matrix.effectiveLegend == legend)
    }
}
