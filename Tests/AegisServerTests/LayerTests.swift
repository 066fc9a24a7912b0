import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// `layer.*` over the wire: Navigator layers out (format 4.5) and in (3.x,
/// 4.x), on the Enterprise catalog and on the ICS team's validated tests.
@Suite struct LayerTests {
    static let ics: MessagePackValue = "ics-attack"

    func json(_ result: MessagePackValue) throws -> [String: Any] {
        let text = try #require(result["content"]?.stringValue)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static var bearAPT: URL { TestData.shared.appendingPathComponent("navigator-layers/Bear_APT.json") }

    @Test func enterpriseLayersGoOutAndComeBackIn() throws {
        let daemon = try TestDaemon(attackData: TestData.attackLookup)
        let client = try daemon.client()
        client.timeout = .seconds(60)

        let coverage = try client.call("layer.export", ["kind": "coverage", "name": "Our coverage"])
        #expect(coverage["kind"] == "coverage")
        let layer = try json(coverage)
        #expect(layer["name"] as? String == "Our coverage")
        #expect((layer["versions"] as? [String: Any])?["layer"] as? String == "4.5")
        #expect((layer["versions"] as? [String: Any])?["attack"] as? String == "18.1")
        #expect(layer["domain"] as? String == "enterprise-attack")
        let techniques = try #require(layer["techniques"] as? [[String: Any]])
        #expect((coverage["techniques"]?.intValue ?? 0) > 600)
        #expect(techniques.allSatisfy { $0["tactic"] is String })
        #expect(techniques.allSatisfy { $0["score"] == nil }, "nothing is tested: every technique blank")
        #expect((layer["gradient"] as? [String: Any])?["maxValue"] as? Double == 100)
        #expect((layer["legendItems"] as? [Any])?.count == 3)

        // Read back: our own export is a 4.5 layer with every id known.
        let back = try client.call("layer.import", ["content": coverage["content"] ?? .nil])
        #expect(back["format_version"] == "4.5")
        #expect(back["unknown_technique_ids"] == .array([]))
        #expect(back["techniques"]?.arrayValue?.count == techniques.count)

        // A real 3.0 layer (Bear APT, `mitre-enterprise`), sent as bytes.
        let bear = try Data(contentsOf: Self.bearAPT)
        let read = try client.call("layer.import", ["content": .binary(bear)])
        #expect(read["format_version"] == "3.0")
        #expect(read["domain"] == "enterprise-attack")
        #expect(read["techniques"]?.arrayValue?.count == 126)
        #expect(read["techniques"]?.arrayValue?.first?["comment"] == "used by Fancy Bear")

        // Nothing is covered here yet: everything Bear APT uses is a gap.
        let compared = try client.call("layer.compare", ["content": .binary(bear), "against": "coverage"])
        let inLayer = compared["in_layer"]?.intValue ?? 0
        let unknown = Int64(compared["unknown_technique_ids"]?.arrayValue?.count ?? 0)
        #expect(inLayer > 50)
        #expect(compared["covered_by_us"] == 0)
        #expect(Int64(compared["gaps"]?.arrayValue?.count ?? 0) == inLayer - unknown)

        // An actor layer: APT29's techniques.
        let actor = try client.call("layer.export", ["kind": "actor", "filters": ["actor": "G0016"]])
        let apt29 = try client.call("actor.get", ["id": "G0016"])
        let used = Set(apt29["technique_ids"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let exported = Set(try #require(try json(actor)["techniques"] as? [[String: Any]]).compactMap { $0["techniqueID"] as? String })
        #expect(!exported.isEmpty)
        #expect(exported.isSubset(of: used))
        #expect(actor["name"]?.stringValue?.hasPrefix("G0016 APT29") == true)
    }

    @Test func coverageDetectionAndDiffLayersFollowValidatedTests() throws {
        let team = try Team()
        let lead = team["redlead"]
        let baseline = try lead.call("snapshot.create", ["domain": Self.ics])
        var t = try team.throughBlue(try team.readyTest())
        t = try team.move("redlead", "test.approve", t, ["side": "red"])
        _ = try team.move("bluelead", "test.approve", t, ["side": "blue"])
        let viewer = team["viewer1"]

        func entry(_ result: MessagePackValue, _ id: String) throws -> [String: Any]? {
            (try json(result)["techniques"] as? [[String: Any]])?.first { $0["techniqueID"] as? String == id }
        }
        let coverage = try viewer.call("layer.export", ["kind": "coverage", "filters": ["domain": Self.ics]])
        let covered = try #require(try entry(coverage, "T0803"))
        #expect(covered["score"] as? Double == 45)
        #expect(covered["tactic"] as? String == "inhibit-response-function")
        #expect((covered["comment"] as? String)?.hasPrefix("detected, score 45.0") == true)
        // 45 on the red-amber-green gradient: between red and amber.
        #expect((covered["color"] as? String)?.hasPrefix("#ff") == true)

        let detection = try viewer.call("layer.export", ["kind": "detection", "filters": ["domain": Self.ics]])
        #expect(try entry(detection, "T0803")?["score"] as? Double == 100)

        let tactic = try viewer.call("layer.export", ["kind": "coverage", "filters": ["tactic": "TA0107"]])
        let inTactic = try #require(try json(tactic)["techniques"] as? [[String: Any]])
        #expect(inTactic.allSatisfy { $0["tactic"] as? String == "inhibit-response-function" })

        let diff = try viewer.call(
            "layer.export", ["kind": "snapshot_diff", "filters": ["from": baseline["id"] ?? .nil]])
        let changed = try #require(try json(diff)["techniques"] as? [[String: Any]])
        #expect(changed.map { $0["techniqueID"] as? String } == ["T0803"])
        #expect(changed.first?["score"] as? Double == 45)
        #expect(changed.first?["color"] as? String != nil)
        #expect(((try json(diff)["gradient"] as? [String: Any])?["minValue"] as? Double) == -100)
    }

    @Test func badLayersAndRequestsAreRefused() throws {
        let team = try Team()
        let client = team["viewer1"]
        func layer(_ fields: [String: Any]) throws -> MessagePackValue {
            .binary(try JSONSerialization.data(withJSONObject: fields))
        }
        #expect(code { try client.call("layer.import", ["content": "not json {"]) } == "INVALID_ARGUMENT")
        #expect(code { try client.call("layer.import", ["content": "[1, 2]"]) } == "INVALID_ARGUMENT")
        let mobile = try layer(["name": "m", "versions": ["layer": "4.5"], "domain": "mobile-attack", "techniques": []])
        #expect(code { try client.call("layer.import", ["content": mobile]) } == "INVALID_ARGUMENT")
        let old = try layer(["name": "o", "version": "2.2", "domain": "mitre-enterprise", "techniques": []])
        #expect(code { try client.call("layer.import", ["content": old]) } == "INVALID_ARGUMENT")
        let future = try layer(["name": "f", "versions": ["layer": "5.0"], "domain": "enterprise-attack", "techniques": []])
        #expect(code { try client.call("layer.compare", ["content": future]) } == "INVALID_ARGUMENT")
        // Unknown technique ids are reported, not fatal.
        let unknown = try layer([
            "name": "u", "versions": ["layer": "4.5"], "domain": "ics-attack",
            "techniques": [["techniqueID": "T0803"], ["techniqueID": "T9999"]],
        ])
        let read = try client.call("layer.import", ["content": unknown, "domain": Self.ics])
        #expect(read["unknown_technique_ids"] == .array(["T9999"]))
        let compared = try client.call("layer.compare", ["content": unknown, "domain": Self.ics])
        #expect(compared["gaps"]?.arrayValue?.map { $0["technique_id"] } == ["T0803"])
        #expect(code { try client.call("layer.compare", ["content": unknown, "against": "threats"]) } == "INVALID_ARGUMENT")

        #expect(code { try client.call("layer.export", ["kind": "heat"]) } == "INVALID_ARGUMENT")
        #expect(code { try client.call("layer.export", ["kind": "coverage", "filters": ["tactic": "TA0107", "domain": "enterprise-attack"]]) } == "INVALID_ARGUMENT")
        #expect(code { try client.call("layer.export", ["kind": "actor"]) } == "INVALID_ARGUMENT")
        #expect(code { try client.call("layer.export", ["kind": "actor", "filters": ["actor": "G9999"]]) } == "NOT_FOUND")
        #expect(code { try client.call("layer.export", ["kind": "snapshot_diff"]) } == "INVALID_ARGUMENT")
        #expect(code { try client.call("layer.export", ["kind": "snapshot_diff", "filters": ["from": "snp_none"]]) } == "NOT_FOUND")
        #expect(code { try client.call("layer.export", ["kind": "coverage", "filters": ["colour": "red"]]) } == "INVALID_ARGUMENT")
    }
}
