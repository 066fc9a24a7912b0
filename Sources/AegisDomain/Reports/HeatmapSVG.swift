/// Draws a `HeatmapMatrix` as a standalone SVG 1.1 document: title and
/// subtitle, one column per tactic with its techniques and (indented)
/// sub-techniques coloured by score, and a legend at the bottom. Pure and
/// deterministic: the same matrix gives the same bytes. No scripts and
/// no external references; every text from the matrix is escaped.
public enum HeatmapSVG {
    /// The font stack of every text.
    public static let fontFamily = "DejaVu Sans, Arial, sans-serif"

    /// The SVG document: an XML declaration, then the `<svg>` element.
    public static func render(_ matrix: HeatmapMatrix) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n" + element(matrix)
    }

    /// The `<svg>` element alone, for embedding in HTML.
    static func element(_ matrix: HeatmapMatrix) -> String {
        typealias L = HeatmapLayout
        let layout = HeatmapLayout(matrix)
        var out = SVGWriter()
        out.line(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(layout.width)\" "
                + "height=\"\(layout.height)\" viewBox=\"0 0 \(layout.width) \(layout.height)\" "
                + "font-family=\"\(fontFamily)\">")
        out.line("<title>\(MarkupText.escape(MarkupText.singleLine(matrix.title)))</title>")
        out.line("<desc>\(MarkupText.escape(MarkupText.singleLine(matrix.subtitle)))</desc>")
        out.rect(x: 0, y: 0, width: layout.width, height: layout.height, fill: "#ffffff")
        let maxTextWidth = Double(layout.contentWidth)
        out.text(
            TextMetrics.fit(matrix.title, maxWidth: maxTextWidth, fontSize: L.titleSize, bold: true),
            x: L.margin, y: L.titleBaseline, size: L.titleSize, fill: "#1a1a1a", extra: " font-weight=\"bold\"")
        out.text(
            TextMetrics.fit(matrix.subtitle, maxWidth: maxTextWidth, fontSize: L.subtitleSize),
            x: L.margin, y: L.subtitleBaseline, size: L.subtitleSize, fill: "#555555")
        if matrix.tactics.isEmpty {
            out.text("No tactics", x: L.margin, y: L.bodyTop + 14, size: 11, fill: "#777777")
        }
        for (index, column) in matrix.tactics.enumerated() {
            out.column(column, x: L.columnX(index), bodyHeight: layout.bodyHeight)
        }
        out.legend(matrix.effectiveLegend, top: layout.legendTop)
        out.line("</svg>")
        return out.text
    }
}
