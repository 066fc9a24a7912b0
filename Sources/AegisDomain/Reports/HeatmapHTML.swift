/// Draws a `HeatmapMatrix` as one self-contained HTML5 page: the heatmap
/// SVG inline, then a table of each tactic's mean technique score. Inline
/// CSS only: no scripts, no external resources; every text is escaped.
/// Void elements are self-closed, so the page also parses as XML after
/// its doctype.
public enum HeatmapHTML {
    /// The page, deterministic like `HeatmapSVG.render`.
    public static func render(_ matrix: HeatmapMatrix) -> String {
        let title = MarkupText.escape(MarkupText.singleLine(matrix.title))
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>\(title)</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            <div class="matrix">

            """
        out += HeatmapSVG.element(matrix)
        out += """
            </div>
            <h2>Mean score by tactic</h2>
            <p class="note">Mean of each tactic&apos;s technique scores; unscored techniques
            and sub-techniques are left out.</p>
            <table class="tactic-means">
            <thead><tr><th>ID</th><th>Tactic</th><th class="num">Techniques</th><th class="num">Scored</th>
            <th class="num">Mean score</th></tr></thead>
            <tbody>

            """
        if matrix.tactics.isEmpty {
            out += "<tr><td colspan=\"5\">No tactics</td></tr>\n"
        }
        for column in matrix.tactics {
            out += row(column)
        }
        out += "</tbody>\n</table>\n</body>\n</html>\n"
        return out
    }

    private static func row(_ column: HeatmapMatrix.Column) -> String {
        let scored = column.techniques.filter { HeatmapScore.clamped($0.score) != nil }.count
        let mean = column.meanScore
        let fill = HeatmapPalette.color(forScore: mean)
        let ink = HeatmapPalette.textColor(onFill: fill)
        let meanText = HeatmapScore.text(mean) ?? "not scored"
        return "<tr><td>\(cell(column.id))</td><td>\(cell(column.name))</td>"
            + "<td class=\"num\">\(column.techniques.count)</td><td class=\"num\">\(scored)</td>"
            + "<td class=\"num mean\" style=\"background-color: \(fill); color: \(ink)\">\(meanText)</td></tr>\n"
    }

    private static func cell(_ text: String) -> String { MarkupText.escape(MarkupText.singleLine(text)) }

    private static let style = """
        body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; background: #ffffff; margin: 24px; }
        .matrix { overflow-x: auto; }
        .matrix svg { display: block; }
        h2 { font-size: 18px; margin: 24px 0 4px; }
        .note { color: #555555; font-size: 13px; margin: 0 0 8px; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #cccccc; padding: 4px 10px; text-align: left; }
        th { background: #2f3e46; color: #ffffff; }
        .num { text-align: right; }
        """
}
