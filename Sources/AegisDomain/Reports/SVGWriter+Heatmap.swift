/// The heatmap's parts: tactic columns, cells, legend.
extension SVGWriter {
    private typealias L = HeatmapLayout

    /// A tactic header, its column body and its cells from the top.
    mutating func column(_ column: HeatmapMatrix.Column, x: Int, bodyHeight: Int) {
        let count = column.techniques.count
        let countText = count == 1 ? "1 technique" : "\(count) techniques"
        let width = Double(L.columnWidth - 2 * 6)
        line("<g class=\"tactic\">")
        line("<g class=\"header\">")
        line("<title>\(MarkupText.escape(MarkupText.singleLine("\(column.id) \(column.name)")))\n\(countText)</title>")
        rect(x: x, y: L.headerTop, width: L.columnWidth, height: L.headerHeight, fill: "#2f3e46", radius: 3)
        text(
            TextMetrics.fit(column.name, maxWidth: width, fontSize: 12, bold: true),
            x: x + 6, y: L.headerTop + 15, size: 12, fill: "#ffffff", extra: " font-weight=\"bold\"")
        text(countText, x: x + 6, y: L.headerTop + 29, size: 10, fill: "#cfd8dc")
        line("</g>")
        rect(x: x, y: L.bodyTop, width: L.columnWidth, height: bodyHeight, fill: "#f3f4f6")
        if column.techniques.isEmpty {
            text(
                "no techniques", x: x + 6, y: L.bodyTop + 14, size: 10, fill: "#777777", extra: " font-style=\"italic\""
            )
        }
        var y = L.bodyTop
        for technique in column.techniques {
            cell(technique, parentID: nil, x: x, y: y)
            y += L.techniquePitch
            for subtechnique in technique.subtechniques {
                cell(subtechnique, parentID: technique.id, x: x + L.subtechniqueIndent, y: y)
                y += L.subtechniquePitch
            }
        }
        line("</g>")
    }

    /// One technique (`parentID` nil) or sub-technique cell with tooltip,
    /// fill by score, "id name" cut to fit, and the score at the right.
    private mutating func cell(_ cell: HeatmapMatrix.Cell, parentID: String?, x: Int, y: Int) {
        let isSub = parentID != nil
        let width = L.columnWidth - (isSub ? L.subtechniqueIndent : 0)
        let height = isSub ? L.subtechniqueHeight : L.techniqueHeight
        let fontSize = isSub ? 9.0 : 11.0
        let scoreSize = isSub ? 8.0 : 9.0
        let baseline = y + (isSub ? 10 : 14)
        let fill = HeatmapPalette.color(forScore: cell.score)
        let ink = HeatmapPalette.textColor(onFill: fill)
        let score = HeatmapScore.text(cell.score)

        line("<g class=\"\(isSub ? "subtechnique" : "technique")\">")
        line("<title>\(MarkupText.escape(Self.tooltip(cell, score: score)))</title>")
        rect(x: x, y: y, width: width, height: height, fill: fill, radius: 2)
        var room = Double(width - 2 * L.cellPadding)
        if let score {
            let scoreWidth = TextMetrics.width(score, fontSize: scoreSize)
            room -= scoreWidth + 4
        }
        var shownID = MarkupText.singleLine(cell.id)
        if let parentID, shownID.hasPrefix(parentID + "."), shownID.count > parentID.count {
            shownID = String(shownID.dropFirst(parentID.count))
        }
        shownID = TextMetrics.fit(shownID, maxWidth: room, fontSize: fontSize, bold: true)
        let nameRoom = room - TextMetrics.width(shownID + " ", fontSize: fontSize, bold: true)
        let name = nameRoom > 0 ? TextMetrics.fit(cell.name, maxWidth: nameRoom, fontSize: fontSize) : ""
        line(
            "<text x=\"\(x + L.cellPadding)\" y=\"\(baseline)\" font-size=\"\(Self.number(fontSize))\" fill=\"\(ink)\">"
                + "<tspan font-weight=\"bold\">\(MarkupText.escape(shownID))</tspan>"
                + (name.isEmpty ? "" : " \(MarkupText.escape(name))") + "</text>")
        if let score {
            text(
                score, x: x + width - L.cellPadding, y: baseline, size: scoreSize, fill: ink,
                extra: " text-anchor=\"end\"")
        }
        line("</g>")
    }

    /// "T1059 Command and Scripting Interpreter", then "score 75 · detected".
    private static func tooltip(_ cell: HeatmapMatrix.Cell, score: String?) -> String {
        let head = MarkupText.singleLine("\(cell.id) \(cell.name)")
        var details = score.map { "score \($0)" } ?? "not scored"
        if let status = cell.status.map(MarkupText.singleLine), !status.isEmpty {
            details += " · \(status)"
        }
        return head + "\n" + details
    }

    /// The legend row: heading, then a swatch and label per item.
    mutating func legend(_ items: [HeatmapMatrix.LegendItem], top: Int) {
        guard !items.isEmpty else { return }
        let baseline = top + 11
        line("<g class=\"legend\">")
        text(
            L.legendHeading, x: L.margin, y: baseline, size: L.legendFontSize, fill: "#1a1a1a",
            extra: " font-weight=\"bold\"")
        var x = L.margin + L.legendHeadingWidth
        for item in items {
            let fill = HexColor(item.color)?.hex ?? HeatmapPalette.notScoredColor
            rect(x: x, y: top, width: L.legendSwatchWidth, height: L.legendHeight, fill: fill, radius: 2)
            text(
                L.legendLabel(item), x: x + L.legendSwatchWidth + 4, y: baseline, size: L.legendFontSize,
                fill: "#333333")
            x += L.legendItemWidth(item)
        }
        line("</g>")
    }
}
