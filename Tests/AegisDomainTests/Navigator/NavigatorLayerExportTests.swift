import AegisDomain
import Foundation
import Testing

@Suite struct NavigatorLayerExportTests {
    struct Refusal: Sendable, CustomTestStringConvertible {
        let field: String
        let layer: NavigatorLayer
        init(_ field: String, _ layer: NavigatorLayer) {
            self.field = field
            self.layer = layer
        }
        var testDescription: String { field }
    }

    static let sample = NavigatorLayer(
        name: "Aegis coverage", description: "what we detect", attackVersion: "18",
        techniques: [
            .init(
                techniqueID: "T1059", tactic: "execution", score: 75, comment: "two tests",
                metadata: [.item(name: "status", value: "detected"), .divider], showSubtechniques: true),
            .init(
                techniqueID: "T1003.001", score: 12.5, color: "#ff0000", enabled: false,
                links: [.link(label: "ATT&CK", url: "https://attack.mitre.org/techniques/T1003/001/")]),
            .init(techniqueID: "T1110"),
        ],
        legendItems: [.init(label: "gap", color: "#ff6666")],
        metadata: [.item(name: "source", value: "aegis"), .divider, .item(name: "team", value: "purple \"blue\"\n")],
        platforms: ["Windows", "Linux"], sorting: .scoreDescending,
        layout: .init(showID: true, expandedSubtechniques: .annotated))

    private func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func writesLayerFormat45() throws {
        let json = try object(try Self.sample.jsonData())
        #expect(json["versions"] as? [String: String] == ["attack": "18", "navigator": "5.1.0", "layer": "4.5"])
        #expect(json["name"] as? String == "Aegis coverage")
        #expect(json["domain"] as? String == "enterprise-attack")
        #expect(json["sorting"] as? Int == 3)
        #expect((json["filters"] as? [String: [String]])?["platforms"] == ["Windows", "Linux"])
        let layout = try #require(json["layout"] as? [String: Any])
        #expect(layout["showID"] as? Bool == true)
        #expect(layout["expandedSubtechniques"] as? String == "annotated")
        let gradient = try #require(json["gradient"] as? [String: Any])
        #expect(gradient["colors"] as? [String] == ["#ff6666", "#ffe766", "#8ec843"])
        #expect(gradient["minValue"] as? Int == 0)
        #expect(gradient["maxValue"] as? Int == 100)
        let metadata = try #require(json["metadata"] as? [[String: Any]])
        #expect(metadata.count == 3)
        #expect(metadata[1]["divider"] as? Bool == true)
        #expect(metadata[2]["value"] as? String == "purple \"blue\"\n")

        let techniques = try #require(json["techniques"] as? [[String: Any]])
        #expect(techniques.count == 3)
        #expect(techniques[0]["techniqueID"] as? String == "T1059")
        #expect(techniques[0]["tactic"] as? String == "execution")
        #expect(techniques[0]["score"] as? Int == 75)
        #expect(techniques[0]["showSubtechniques"] as? Bool == true)
        #expect(techniques[1]["score"] as? Double == 12.5)
        #expect(techniques[1]["enabled"] as? Bool == false)
        #expect(techniques[1]["color"] as? String == "#ff0000")
        #expect(
            (techniques[1]["links"] as? [[String: String]])?.first?["url"]
                == "https://attack.mitre.org/techniques/T1003/001/")
        // Nil optionals are left out, never written as null.
        #expect(
            Set(techniques[2].keys) == ["techniqueID", "comment", "enabled", "metadata", "links", "showSubtechniques"])
    }

    /// Every key written is one the format defines.
    @Test func writesOnlyTheFormatsKeys() throws {
        let json = try object(try Self.sample.jsonData())
        #expect(
            Set(json.keys).isSubset(of: [
                "versions", "name", "description", "domain", "customDataURL", "filters", "sorting", "layout",
                "hideDisabled", "techniques", "gradient", "legendItems", "showTacticRowBackground",
                "tacticRowBackground",
                "selectTechniquesAcrossTactics", "selectSubtechniquesWithParent", "selectVisibleTechniques", "metadata",
                "links",
            ]))
        #expect(
            Set((json["layout"] as? [String: Any] ?? [:]).keys) == [
                "layout", "showID", "showName", "showAggregateScores", "countUnscored", "aggregateFunction",
                "expandedSubtechniques",
            ])
    }

    @Test func outputIsStableAndOrdered() throws {
        let first = try Self.sample.jsonData()
        #expect(first == (try Self.sample.jsonData()))
        let text = String(decoding: first, as: UTF8.self)
        #expect(
            text.hasPrefix("{\n    \"name\": \"Aegis coverage\",\n    \"versions\": {\n        \"attack\": \"18\","))
        #expect(text.contains("\"score\": 75,"))
        #expect(!text.contains("null"))
        let bare = try NavigatorLayer(name: "n").jsonData()
        let versions = try #require(try object(bare)["versions"] as? [String: String])
        #expect(versions == ["navigator": "5.1.0", "layer": "4.5"])
        #expect(try object(bare)["filters"] == nil)
    }

    static let refusals: [Refusal] = {
        typealias G = NavigatorLayer.Gradient
        let redGreen = ["#ff0000", "#00ff00"]
        return [
            Refusal("name", NavigatorLayer(name: " ")),
            Refusal("domain", NavigatorLayer(name: "n", domain: "mitre-enterprise")),
            Refusal(
                "gradient.colors", NavigatorLayer(name: "n", gradient: G(colors: ["#ff0000"], minValue: 0, maxValue: 1))
            ),
            Refusal(
                "gradient.colors",
                NavigatorLayer(name: "n", gradient: G(colors: ["#f00", "red"], minValue: 0, maxValue: 1))),
            Refusal("gradient", NavigatorLayer(name: "n", gradient: G(colors: redGreen, minValue: 5, maxValue: 5))),
            Refusal("gradient", NavigatorLayer(name: "n", gradient: G(colors: redGreen, minValue: 0, maxValue: .nan))),
            Refusal(
                "legendItems[0].color", NavigatorLayer(name: "n", legendItems: [.init(label: "x", color: "ff0000")])),
            Refusal("tacticRowBackground", NavigatorLayer(name: "n", tacticRowBackground: "#ddd")),
            Refusal(
                "techniques[1].techniqueID",
                NavigatorLayer(name: "n", techniques: [.init(techniqueID: "T1"), .init(techniqueID: " ")])),
            Refusal(
                "techniques[0].score",
                NavigatorLayer(name: "n", techniques: [.init(techniqueID: "T1", score: .infinity)])),
            Refusal(
                "techniques[0].color",
                NavigatorLayer(name: "n", techniques: [.init(techniqueID: "T1", color: "#12345")])),
        ]
    }()

    @Test(arguments: refusals)
    func refusesWhatNavigatorWouldNotLoad(_ refusal: Refusal) {
        let field = refusal.field
        do {
            _ = try refusal.layer.jsonData()
            Issue.record("expected \(field) to be refused")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.details["field"] == .string(field))
        }
    }
}

@Suite struct NavigatorGradientColorTests {
    let redToGreen = NavigatorLayer.Gradient(colors: ["#FF0000", "#00ff00"], minValue: 0, maxValue: 100)

    @Test func interpolatesTwoColors() {
        #expect(NavigatorLayer.color(forScore: 0, gradient: redToGreen) == "#ff0000")
        #expect(NavigatorLayer.color(forScore: 50, gradient: redToGreen) == "#808000")
        #expect(NavigatorLayer.color(forScore: 100, gradient: redToGreen) == "#00ff00")
    }

    @Test func interpolatesThreeColors() {
        let g = NavigatorLayer.Gradient.default
        #expect(NavigatorLayer.color(forScore: 0, gradient: g) == "#ff6666")
        #expect(NavigatorLayer.color(forScore: 25, gradient: g) == "#ffa766")
        #expect(NavigatorLayer.color(forScore: 50, gradient: g) == "#ffe766")
        #expect(NavigatorLayer.color(forScore: 100, gradient: g) == "#8ec843")
    }

    @Test func clampsAndHonoursTheRange() {
        let g = NavigatorLayer.Gradient(colors: ["#000000ff", "#ffffffff"], minValue: -10, maxValue: 10)
        #expect(NavigatorLayer.color(forScore: -50, gradient: g) == "#000000")
        #expect(NavigatorLayer.color(forScore: 0, gradient: g) == "#808080")
        #expect(NavigatorLayer.color(forScore: 1e300, gradient: g) == "#ffffff")
    }

    @Test func unusableGradientsGiveNil() {
        #expect(
            NavigatorLayer.color(forScore: 1, gradient: .init(colors: ["#ff0000"], minValue: 0, maxValue: 1)) == nil)
        #expect(
            NavigatorLayer.color(forScore: 1, gradient: .init(colors: ["#ff0000", "green"], minValue: 0, maxValue: 1))
                == nil)
        #expect(
            NavigatorLayer.color(
                forScore: 1, gradient: .init(colors: ["#ff0000", "#00ff00"], minValue: 1, maxValue: 1)) == nil)
        #expect(NavigatorLayer.color(forScore: .nan, gradient: redToGreen) == nil)
        #expect(
            NavigatorLayer.color(
                forScore: 0,
                gradient: .init(
                    colors: ["#ff0000", "#00ff00"], minValue: -.greatestFiniteMagnitude,
                    maxValue: .greatestFiniteMagnitude)) == nil)
    }
}
