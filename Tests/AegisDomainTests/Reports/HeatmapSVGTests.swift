import AegisDomain
import Testing

@Suite struct HeatmapSVGTests {
    typealias Cell = HeatmapMatrix.Cell
    typealias Column = HeatmapMatrix.Column

    @Test func standaloneWellFormedSVG() throws {
        let matrix = HeatmapTestData.generated(columns: 14, techniques: 20)
        let svg = HeatmapSVG.render(matrix)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\""))
        #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""))
        #expect(svg.contains("font-family=\"DejaVu Sans, Arial, sans-serif\""))
        let xml = try #require(ParsedXML(svg))
        #expect(xml.root?.name == "svg")
        let width = try #require(xml.rootInt("width"))
        let height = try #require(xml.rootInt("height"))
        #expect(xml.root?.attributes["viewBox"] == "0 0 \(width) \(height)")
        #expect(width == 14 * 170 + 13 * 6 + 40)
        for forbidden in ["<script", "href", "<image", "<use", "url(", "@import"] {
            #expect(!svg.contains(forbidden), "\(forbidden)")
        }
    }

    @Test func tacticsInOrderWithCounts() throws {
        let matrix = HeatmapTestData.generated(columns: 12, techniques: 4)
        let xml = try #require(ParsedXML(HeatmapSVG.render(matrix)))
        let headers = xml.all("text").filter {
            $0.attributes["font-size"] == "12" && $0.attributes["font-weight"] == "bold"
        }.map(\.text)
        #expect(headers == matrix.tactics.map(\.name))
        #expect(xml.all("text").filter { $0.text == "4 techniques" }.count == 12)
    }

    @Test func oneCellPerTechniqueAndSubtechnique() throws {
        let matrix = HeatmapTestData.generated(columns: 5, techniques: 7)
        let xml = try #require(ParsedXML(HeatmapSVG.render(matrix)))
        let techniques = xml.all("g", class: "technique").count
        let subtechniques = xml.all("g", class: "subtechnique").count
        #expect(techniques == 35)
        #expect(subtechniques == 5 * 3 * 2)
        #expect(techniques + subtechniques == HeatmapTestData.cellCount(matrix))
        #expect(xml.all("g", class: "tactic").count == 5)
    }

    @Test func subtechniquesSitIndentedUnderTheirParent() throws {
        let matrix = HeatmapMatrix(
            title: "t", subtitle: "s",
            tactics: [
                Column(
                    id: "TA0002", name: "Execution",
                    techniques: [
                        Cell(
                            id: "T1059", name: "Command and Scripting Interpreter", score: 75,
                            subtechniques: [
                                Cell(id: "T1059.001", name: "PowerShell", score: 20),
                                Cell(id: "T1059.004", name: "Unix Shell"),
                            ]),
                        Cell(id: "T1106", name: "Native API", score: 0),
                    ])
            ])
        let xml = try #require(ParsedXML(HeatmapSVG.render(matrix)))
        let rects = cellRects(xml)
        #expect(rects.map(\.x) == [20, 30, 30, 20])
        #expect(rects.map(\.width) == [170, 160, 160, 170])
        #expect(rects.map(\.y) == [116, 138, 154, 170])
        #expect(rects.map(\.fill) == ["#91cf60", "#f57a4f", "#dddddd", "#d73027"])
        let labels = xml.all("tspan").map(\.text)
        #expect(labels == ["T1059", ".001", ".004", "T1106"])
        let tooltips = xml.elements.indices.filter {
            xml.elements[$0].name == "g" && xml.elements[$0].attributes["class"] == "subtechnique"
        }
        .map { xml.elements[$0 + 1].text }
        #expect(tooltips == ["T1059.001 PowerShell\nscore 20", "T1059.004 Unix Shell\nnot scored"])
    }

    @Test func heightFollowsTallestColumn() throws {
        func height(_ counts: [Int]) throws -> Int {
            let tactics = counts.enumerated().map { c, n in
                Column(id: "TA\(c)", name: "T\(c)", techniques: (0..<n).map { Cell(id: "T\($0)", name: "n", score: 1) })
            }
            let xml = try #require(
                ParsedXML(HeatmapSVG.render(HeatmapMatrix(title: "t", subtitle: "s", tactics: tactics))))
            return try #require(xml.rootInt("height"))
        }
        let base = try height([3, 10])
        #expect(try height([4, 10]) == base)
        #expect(try height([3, 11]) == base + 22)
        #expect(try height([12, 10]) == base + 44)
    }

    @Test func longNamesAreCutWithAnEllipsis() throws {
        let name = "An Extraordinarily Long Technique Name That Cannot Possibly Fit In One Column Cell"
        let matrix = HeatmapMatrix(
            title: "t", subtitle: "s",
            tactics: [
                Column(
                    id: "TA1", name: name, techniques: [Cell(id: "T1000", name: name, score: 42, status: "detected")])
            ])
        let xml = try #require(ParsedXML(HeatmapSVG.render(matrix)))
        let texts = xml.all("text").map(\.text)
        #expect(texts.contains { $0.hasPrefix("T1000 An Extra") && $0.hasSuffix("…") })
        #expect(texts.contains { $0.hasPrefix("An Extraordinarily") && $0.hasSuffix("…") })
        #expect(xml.all("title").map(\.text).contains("T1000 \(name)\nscore 42 · detected"))
    }

    @Test func escapesEveryText() throws {
        let svg = HeatmapSVG.render(HeatmapTestData.tricky)
        let xml = try #require(ParsedXML(svg))
        let texts = xml.all("text").map(\.text)
        #expect(texts.contains("A & B <C> \"D\" 'E'"))
        #expect(texts.contains("T1 A & B <C> \"D\""))
        #expect(texts.contains("Coverage <Q4> & \"friends\""))
        #expect(texts.contains("ATT&CK 'v18.1'"))
        #expect(texts.contains("bad & <label>"))
        #expect(xml.all("title").map(\.text).contains("T1 A & B <C> \"D\"\nscore 50 · <detected>"))
        #expect(svg.contains("A &amp; B &lt;C&gt; &quot;D&quot; &apos;E&apos;"))
        #expect(!svg.contains("<C>") && !svg.contains("<Q4>") && !svg.contains("\u{1}"))
        // A legend colour that is not #rrggbb is drawn grey, never copied.
        #expect(!svg.contains("url("))
        #expect(xml.all("rect").contains { $0.attributes["fill"] == "#00ff00" })
    }

    @Test func deterministic() {
        let first = HeatmapSVG.render(HeatmapTestData.generated(columns: 14, techniques: 20))
        let second = HeatmapSVG.render(HeatmapTestData.generated(columns: 14, techniques: 20))
        #expect(first == second)
        #expect(Array(first.utf8) == Array(second.utf8))
        #expect(HeatmapSVG.render(HeatmapTestData.tricky) == HeatmapSVG.render(HeatmapTestData.tricky))
    }

    @Test func emptyTacticColumn() throws {
        let matrix = HeatmapMatrix(
            title: "t", subtitle: "s",
            tactics: [
                Column(id: "TA0001", name: "Initial Access", techniques: []),
                Column(id: "TA0002", name: "Execution", techniques: [Cell(id: "T1059", name: "Command", score: 10)]),
            ])
        let xml = try #require(ParsedXML(HeatmapSVG.render(matrix)))
        #expect(xml.all("g", class: "tactic").count == 2)
        #expect(xml.all("g", class: "technique").count == 1)
        #expect(xml.all("text").contains { $0.text == "0 techniques" })
        #expect(xml.all("text").contains { $0.text == "1 technique" })
    }

    @Test func emptyMatrix() throws {
        for legend in [nil, [] as [HeatmapMatrix.LegendItem]] {
            let matrix = HeatmapMatrix(title: "Nothing yet", subtitle: "", tactics: [], legend: legend)
            let xml = try #require(ParsedXML(HeatmapSVG.render(matrix)))
            #expect(xml.all("g", class: "tactic").isEmpty)
            #expect(try #require(xml.rootInt("width")) > 0)
            #expect(try #require(xml.rootInt("height")) > 0)
            #expect(xml.all("text").contains { $0.text == "Nothing yet" })
            #expect(xml.all("g", class: "legend").count == (legend == nil ? 1 : 0))
        }
    }

    private func cellRects(_ xml: ParsedXML) -> [(x: Int, y: Int, width: Int, fill: String)] {
        xml.elements.indices.compactMap { index in
            let element = xml.elements[index]
            guard element.name == "g", ["technique", "subtechnique"].contains(element.attributes["class"]),
                let rect = xml.elements[index...].first(where: { $0.name == "rect" }),
                let x = rect.attributes["x"].flatMap({ Int($0) }), let y = rect.attributes["y"].flatMap({ Int($0) }),
                let width = rect.attributes["width"].flatMap({ Int($0) }), let fill = rect.attributes["fill"]
            else { return nil }
            return (x, y, width, fill)
        }
    }
}
