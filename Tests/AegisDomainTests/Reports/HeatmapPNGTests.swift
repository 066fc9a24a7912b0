import AegisDomain
import Foundation
import Testing

/// Real renders with rsvg-convert (librsvg2-bin, installed by `make test`):
/// a missing converter fails these tests rather than skipping them.
@Suite struct HeatmapPNGTests {
    private func renderChecked(_ matrix: HeatmapMatrix, keepAt keep: String? = nil) throws {
        let executable = try #require(RSVGConvert.executable, "rsvg-convert not found: apt-get install librsvg2-bin")
        let svg = HeatmapSVG.render(matrix)
        let xml = try #require(ParsedXML(svg))
        let width = try #require(xml.rootInt("width"))
        let height = try #require(xml.rootInt("height"))

        let folder = try RSVGConvert.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try RSVGConvert.convert(svg, in: folder, executable: executable)
        #expect(result.status == 0, "rsvg-convert: \(result.stderr)")
        #expect(Array(result.png.prefix(8)) == RSVGConvert.pngSignature)
        let size = try #require(RSVGConvert.pngSize(result.png))
        #expect(size.width == width)
        #expect(size.height == height)
        if let keep, !keep.isEmpty {
            let png = URL(fileURLWithPath: keep)
            try result.png.write(to: png)
            let base = png.deletingPathExtension()
            try Data(svg.utf8).write(to: base.appendingPathExtension("svg"))
            try Data(HeatmapHTML.render(matrix).utf8).write(to: base.appendingPathExtension("html"))
        }
    }

    @Test func generatedMatrixRendersToPNG() throws {
        try renderChecked(HeatmapTestData.generated(columns: 14, techniques: 20))
    }

    /// Set AEGIS_HEATMAP_SAMPLE_PNG to a file path to keep this PNG (and the
    /// SVG and HTML beside it) for a look.
    @Test func enterpriseShapedSampleRendersToPNG() throws {
        let matrix = HeatmapEnterpriseSample.matrix
        #expect(matrix.tactics.count == 14)
        try renderChecked(matrix, keepAt: ProcessInfo.processInfo.environment["AEGIS_HEATMAP_SAMPLE_PNG"])
    }
}
