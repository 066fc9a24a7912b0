import AegisDomain

enum HeatmapTestData {
    typealias Cell = HeatmapMatrix.Cell
    typealias Column = HeatmapMatrix.Column

    static let statuses = ["untested", "in_progress", "missed", "logged", "detected", "prevented", "partial"]

    /// `columns` tactics of `techniques` techniques each; every third
    /// technique has two sub-techniques; scores cycle, every seventh unscored.
    static func generated(columns: Int, techniques: Int) -> HeatmapMatrix {
        var serial = 0
        func nextScore() -> Double? {
            serial += 1
            return serial % 7 == 0 ? nil : Double((serial * 37) % 101)
        }
        let tactics = (0..<columns).map { c in
            Column(
                id: "TA\(1000 + c)", name: "Tactic number \(c + 1)",
                techniques: (0..<techniques).map { t in
                    let id = "T\(1000 + c * 100 + t)"
                    let subs =
                        t % 3 == 0
                        ? (1...2).map { s in
                            Cell(id: "\(id).00\(s)", name: "Sub-technique \(s) of \(id)", score: nextScore())
                        }
                        : []
                    return Cell(
                        id: id, name: "Technique \(t) with a fairly long descriptive name", score: nextScore(),
                        status: statuses[(c + t) % statuses.count], subtechniques: subs)
                })
        }
        return HeatmapMatrix(
            title: "Generated coverage", subtitle: "ATT&CK Enterprise v18.1 · 2026-11-22", tactics: tactics)
    }

    /// Techniques plus sub-techniques in `matrix`.
    static func cellCount(_ matrix: HeatmapMatrix) -> Int {
        matrix.tactics.reduce(0) { $0 + $1.techniques.reduce(0) { $0 + 1 + $1.subtechniques.count } }
    }

    static let tricky = HeatmapMatrix(
        title: "Coverage <Q4> & \"friends\"", subtitle: "ATT&CK 'v18.1'",
        tactics: [
            Column(
                id: "TA0001", name: "A & B <C> \"D\" 'E'",
                techniques: [
                    Cell(
                        id: "T1", name: "A & B <C> \"D\"", score: 50, status: "<detected>",
                        subtechniques: [Cell(id: "T1.001", name: "x < y && y > z", score: nil)]),
                    Cell(id: "T2", name: "control\u{1}char", score: 100),
                ])
        ],
        legend: [
            .init(label: "bad & <label>", color: "url(http://example.com/x)"), .init(label: "ok", color: "#00ff00"),
        ])
}
