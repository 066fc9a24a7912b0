import AegisDomain
import Testing

@Suite struct HeatmapHTMLTests {
    typealias Cell = HeatmapMatrix.Cell
    typealias Column = HeatmapMatrix.Column

    static let matrix = HeatmapMatrix(
        title: "Coverage", subtitle: "ATT&CK Enterprise v18.1 · 2026-11-22",
        tactics: [
            Column(
                id: "TA0001", name: "Initial Access",
                techniques: [
                    Cell(
                        id: "T1566", name: "Phishing", score: 50,
                        subtechniques: [Cell(id: "T1566.001", name: "Att", score: 0)]),
                    Cell(id: "T1078", name: "Valid Accounts", score: 100),
                    Cell(id: "T1190", name: "Exploit Public-Facing Application"),
                ]),
            Column(id: "TA0002", name: "Execution", techniques: [Cell(id: "T1059", name: "Command", score: nil)]),
            Column(id: "TA0003", name: "Persistence", techniques: [Cell(id: "T1098", name: "a", score: 12.34)]),
        ])

    /// The page without its doctype, which XMLParser does not take.
    private func parse(_ html: String) throws -> ParsedXML {
        #expect(html.hasPrefix("<!DOCTYPE html>\n"))
        return try #require(ParsedXML(String(html.dropFirst("<!DOCTYPE html>\n".count))))
    }

    @Test func embedsTheSVGInline() throws {
        let html = HeatmapHTML.render(Self.matrix)
        let svg = HeatmapSVG.render(Self.matrix)
        let element = try #require(svg.range(of: "<svg ")).lowerBound
        #expect(html.contains(svg[element...]))
        let xml = try parse(html)
        #expect(xml.all("title").first?.text == "Coverage")
        #expect(xml.all("svg").count == 1)
        #expect(xml.all("g", class: "technique").count == 5)
        for forbidden in ["<script", "src=", "href", "<link", "url(", "@import"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.contains("<style>"))
    }

    @Test func tableOfTacticMeans() throws {
        #expect(Self.matrix.tactics.map(\.meanScore) == [75, nil, 12.34])
        let xml = try parse(HeatmapHTML.render(Self.matrix))
        let cells = xml.all("td").map(\.text)
        #expect(cells.count == 15)
        #expect(Array(cells[0..<5]) == ["TA0001", "Initial Access", "3", "2", "75"])
        #expect(Array(cells[5..<10]) == ["TA0002", "Execution", "1", "0", "not scored"])
        #expect(Array(cells[10..<15]) == ["TA0003", "Persistence", "1", "1", "12.3"])
        let means = xml.all("td", class: "num mean").map { $0.attributes["style"] }
        #expect(
            means == [
                "background-color: \(HeatmapPalette.color(forScore: 75)); color: #1a1a1a",
                "background-color: #dddddd; color: #1a1a1a",
                "background-color: #e95e40; color: \(HeatmapPalette.textColor(onFill: "#e95e40"))",
            ])
    }

    @Test func escapesEveryText() throws {
        let html = HeatmapHTML.render(HeatmapTestData.tricky)
        let xml = try parse(html)
        #expect(xml.all("title").first?.text == "Coverage <Q4> & \"friends\"")
        #expect(xml.all("td").map(\.text).contains("A & B <C> \"D\" 'E'"))
        #expect(html.contains("<title>Coverage &lt;Q4&gt; &amp; &quot;friends&quot;</title>"))
        #expect(!html.contains("<C>") && !html.contains("<Q4>") && !html.contains("<detected>"))
    }

    @Test func emptyMatrixAndDeterminism() throws {
        let empty = HeatmapMatrix(title: "Empty", subtitle: "", tactics: [])
        let xml = try parse(HeatmapHTML.render(empty))
        #expect(xml.all("td").map(\.text) == ["No tactics"])
        #expect(HeatmapHTML.render(Self.matrix) == HeatmapHTML.render(Self.matrix))
    }
}
