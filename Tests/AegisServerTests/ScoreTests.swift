import AegisClient
import AegisWire
import Foundation
import Testing

/// `score.*` and `visibility.set` over the wire (docs/SCORING.md), on the
/// ICS catalog: T0803 (Block Command Message) is in Inhibit Response
/// Function (TA0107), and the campaign C0028 uses it.
@Suite struct ScoreTests {
    static let ics: MessagePackValue = "ics-attack"

    func components(_ result: MessagePackValue) -> [String: Double] {
        var out: [String: Double] = [:]
        for c in result["components"]?.arrayValue ?? [] {
            if let name = c["name"]?.stringValue { out[name] = c["points"]?.doubleValue }
        }
        return out
    }

    func validatedTest(_ team: Team, alerted: Bool = true) throws -> MessagePackValue {
        var t = try team.throughBlue(try team.readyTest(), alerted: alerted)
        t = try team.move("redlead", "test.approve", t, ["side": "red"])
        return try team.move("bluelead", "test.approve", t, ["side": "blue"])
    }

    @Test func aTechniqueScoreFollowsItsValidatedTestsAndVisibility() throws {
        let team = try Team()
        let viewer = team["viewer1"]
        var score = try viewer.call("score.technique", ["id": "T0803", "domain": Self.ics])
        #expect(score["score"]?.doubleValue == 0)
        #expect(score["status"] == "untested")
        #expect(score["weights_version"] == 0)
        #expect(score["tactics"] == .array(["inhibit-response-function"]))
        #expect(score["components"]?.arrayValue?.map { $0["name"]?.stringValue } == [
            "prevention", "detection", "rules", "visibility", "freshness",
        ])

        // Detected, just now: the whole detection weight and fresh.
        _ = try validatedTest(team)
        score = try viewer.call("score.technique", ["id": "T0803", "domain": Self.ics])
        #expect(score["status"] == "detected")
        #expect(score["procedures"]?["validated"] == 1)
        #expect(score["procedures"]?["detected"] == 1)
        let parts = components(score)
        #expect(parts["prevention"] == 0)
        #expect(parts["detection"] == 35)
        #expect(parts["rules"] == 0)
        #expect(parts["visibility"] == 0)
        #expect(parts["freshness"] == 10)
        #expect(score["score"]?.doubleValue == 45)

        // Visibility set by hand (blue lead): 3 of 4.
        let denied = code { try team["blueanalyst"].call("visibility.set", ["technique_id": "T0803", "level": 3]) }
        #expect(denied == "PERMISSION_DENIED")
        score = try team["bluelead"].call("visibility.set", ["technique_id": "T0803", "level": 3, "note": "EDR + PLC logs"])
        #expect(components(score)["visibility"] == 15)
        #expect(score["visibility"]?["level"] == 3)
        #expect(score["visibility"]?["note"] == "EDR + PLC logs")
        score = try viewer.call("score.technique", ["id": "T0803", "domain": Self.ics])
        #expect(score["score"]?.doubleValue == 60)
        // Cleared again.
        _ = try team["bluelead"].call("visibility.set", ["technique_id": "T0803", "level": .nil])
        #expect(try viewer.call("score.technique", ["id": "T0803", "domain": Self.ics])["score"]?.doubleValue == 45)

        let audit = try team.admin.call("audit.list", ["entity_kind": "technique", "entity_id": "T0803"])
        #expect(audit["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["visibility.set", "visibility.set"])
    }

    @Test func tacticActorAndOrgScoresAreMeansOfTheirTechniques() throws {
        let team = try Team()
        let viewer = team["viewer1"]
        let before = try viewer.call("score.org", ["domain": Self.ics])
        #expect(before["score"]?.doubleValue == 0)
        let techniques = Int(try #require(before["techniques"]?.intValue))
        #expect(techniques > 50)
        #expect(before["statuses"]?["untested"]?.intValue == Int64(techniques))
        #expect(before["tactics"]?.arrayValue?.count == 12)

        _ = try validatedTest(team)
        let org = try viewer.call("score.org", ["domain": Self.ics])
        let expected = (45.0 / Double(techniques) * 10).rounded() / 10
        #expect(org["score"]?.doubleValue == expected)
        #expect(org["statuses"]?["detected"] == 1)
        #expect(org["weakest"]?.arrayValue?.count == 10)
        #expect(org["weakest"]?.arrayValue?.contains { $0["id"] == "T0803" } == false)
        let inhibit = org["tactics"]?.arrayValue?.first { $0["shortname"] == "inhibit-response-function" }
        let inTactic = Int(try #require(inhibit?["techniques"]?.intValue))
        #expect(inhibit?["id"] == "TA0107")
        #expect(inhibit?["score"]?.doubleValue == (45.0 / Double(inTactic) * 10).rounded() / 10)

        let tactic = try viewer.call("score.tactic", ["id": "TA0107"])
        #expect(tactic["kind"] == "tactic")
        #expect(tactic["name"] == "Inhibit Response Function")
        #expect(tactic["techniques"]?.intValue == Int64(inTactic))
        #expect(tactic["score"] == inhibit?["score"])

        let actor = try viewer.call("score.actor", ["id": "C0028", "domain": Self.ics])
        #expect(actor["kind"] == "actor")
        let scores = actor["technique_scores"]?.arrayValue ?? []
        #expect(scores.first { $0["id"] == "T0803" }?["score"]?.doubleValue == 45)
        #expect(actor["techniques"]?.intValue == Int64(scores.count))
        #expect(actor["score"]?.doubleValue == (45.0 / Double(scores.count) * 10).rounded() / 10)
    }

    @Test func weightsAreValidatedVersionedAuditedAndApplied() throws {
        let team = try Team()
        let lead = team["redlead"]
        let defaults = try team["viewer1"].call("score.weights.get")
        #expect(defaults["version"] == 0)
        #expect(defaults["detection"] == 35)
        func weights(_ p: Int, _ d: Int, _ r: Int, _ v: Int, _ f: Int, version: Int) -> MessagePackMap {
            [
                "prevention": .int(Int64(p)), "detection": .int(Int64(d)), "rules": .int(Int64(r)),
                "visibility": .int(Int64(v)), "freshness": .int(Int64(f)), "version": .int(Int64(version)),
            ]
        }
        #expect(code { try lead.call("score.weights.set", weights(20, 20, 20, 20, 10, version: 0)) } == "INVALID_ARGUMENT")
        #expect(code { try lead.call("score.weights.set", weights(-10, 60, 20, 20, 10, version: 0)) } == "INVALID_ARGUMENT")
        #expect(code { try lead.call("score.weights.set", weights(101, 0, 0, 0, -1, version: 0)) } == "INVALID_ARGUMENT")
        #expect(code { try lead.call("score.weights.set", weights(20, 60, 0, 10, 10, version: 3)) } == "CONFLICT")
        #expect(code { try team["blueanalyst"].call("score.weights.set", weights(20, 60, 0, 10, 10, version: 0)) } == "PERMISSION_DENIED")
        #expect(try team["viewer1"].call("score.weights.get")["version"] == 0)

        _ = try validatedTest(team)
        #expect(try team["viewer1"].call("score.technique", ["id": "T0803", "domain": Self.ics])["score"]?.doubleValue == 45)
        let set = try lead.call("score.weights.set", weights(20, 60, 0, 10, 10, version: 0))
        #expect(set["version"] == 1)
        #expect(set["set_by"]?.stringValue == "user:" + (team.ids["redlead"] ?? "?"))
        // The cached score is dropped by the commit: 60 detection + 10 fresh.
        let score = try team["viewer1"].call("score.technique", ["id": "T0803", "domain": Self.ics])
        #expect(score["score"]?.doubleValue == 70)
        #expect(score["weights_version"] == 1)
        #expect(code { try lead.call("score.weights.set", weights(20, 60, 0, 10, 10, version: 0)) } == "CONFLICT")

        let audit = try team.admin.call("audit.list", ["entity_kind": "score_weights"])
        let entry = audit["items"]?.arrayValue?.first
        #expect(entry?["action"] == "score.weights.set")
        #expect(entry?["changes"]?["detection"]?["to"] == 60)
        #expect(entry?["changes"]?["rules"]?["from"] == 10)
    }

    @Test func badScoreRequestsGetClearErrors() throws {
        let team = try Team()
        let viewer = team["viewer1"]
        #expect(code { try viewer.call("score.technique", ["id": "T9999", "domain": Self.ics]) } == "NOT_FOUND")
        #expect(code { try viewer.call("score.technique", ["id": "not an id"]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("score.technique", ["id": "T0803", "domain": "pre-attack"]) } == "INVALID_ARGUMENT")
        // T0803 is an ICS technique: not in the enterprise matrix.
        #expect(code { try viewer.call("score.technique", ["id": "T0803"]) } == "NOT_FOUND")
        #expect(code { try viewer.call("score.tactic", ["id": "TA0107", "domain": "enterprise-attack"]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("score.tactic", ["id": "TA0999"]) } == "NOT_FOUND")
        #expect(code { try viewer.call("score.actor", ["id": "G9999"]) } == "NOT_FOUND")
        #expect(code { try viewer.call("score.org", ["domain": Self.ics, "extra": 1]) } == "INVALID_ARGUMENT")
        let lead = team["bluelead"]
        #expect(code { try lead.call("visibility.set", ["technique_id": "T0803", "level": 5]) } == "INVALID_ARGUMENT")
        #expect(code { try lead.call("visibility.set", ["technique_id": "T0803", "level": -1]) } == "INVALID_ARGUMENT")
        #expect(code { try lead.call("visibility.set", ["technique_id": "T9999", "level": 1]) } == "NOT_FOUND")
        #expect(try viewer.call("score.technique", ["id": "T0803", "domain": Self.ics])["visibility"] == .nil)
    }

    /// Visibility derived from the data components the team collects: the
    /// share of T0803's detection data components collected, as 0-4; a
    /// level set by hand wins.
    @Test func visibilityIsDerivedFromCollectedDataComponents() throws {
        let team = try Team()
        let viewer = team["viewer1"]
        let lead = team["bluelead"]
        let components = try viewer.call("data_component.list", ["domain": Self.ics])["items"]?.arrayValue ?? []
        #expect(components.count > 10)
        #expect(components.allSatisfy { $0["collected"] == false })
        // Nothing recorded: no derived level.
        var score = try viewer.call("score.technique", ["id": "T0803", "domain": Self.ics])
        #expect(score["components"]?.arrayValue?.first { $0["name"] == "visibility" }?["explanation"] == "visibility not set")

        // Every data component collected: 4 of 4, derived.
        let all = MessagePackValue.array(components.compactMap { $0["id"] })
        let set = try lead.call("data_component.set_collected", ["ids": all, "collected": true, "domain": Self.ics])
        #expect(set["changed"]?.intValue == Int64(components.count))
        score = try viewer.call("score.technique", ["id": "T0803", "domain": Self.ics])
        let visibility = score["components"]?.arrayValue?.first { $0["name"] == "visibility" }
        #expect(visibility?["value"]?.doubleValue == 1)
        #expect(visibility?["explanation"] == "visibility 4 of 4 (derived)")

        // A level set by hand wins over the derived one.
        _ = try lead.call("visibility.set", ["technique_id": "T0803", "level": 1])
        score = try viewer.call("score.technique", ["id": "T0803", "domain": Self.ics])
        #expect(score["components"]?.arrayValue?.first { $0["name"] == "visibility" }?["explanation"] == "visibility 1 of 4 (manual)")
        _ = try lead.call("visibility.set", ["technique_id": "T0803", "level": .nil])

        // None of T0803's data components collected: derived 0.
        let used = try #require(components.first { ($0["techniques"]?.intValue ?? 0) > 0 })
        _ = try lead.call("data_component.set_collected", ["ids": all, "collected": false, "domain": Self.ics])
        let others = components.filter { $0["id"] != used["id"] }.compactMap { $0["id"] }
        _ = try lead.call("data_component.set_collected", ["ids": .array(others), "collected": true, "domain": Self.ics])
        let listed = try viewer.call("data_component.list", ["domain": Self.ics])["items"]?.arrayValue ?? []
        #expect(listed.filter { $0["collected"] == true }.count == others.count)
        score = try viewer.call("score.technique", ["id": "T0803", "domain": Self.ics])
        let partial = score["components"]?.arrayValue?.first { $0["name"] == "visibility" }
        #expect(partial?["explanation"]?.stringValue?.hasSuffix("(derived)") == true)

        #expect(code { try lead.call("data_component.set_collected", ["ids": ["DC9999"], "collected": true, "domain": Self.ics]) } == "INVALID_ARGUMENT")
        #expect(code { try lead.call("data_component.set_collected", ["ids": .array([]), "collected": true]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("data_component.set_collected", ["ids": all, "collected": true]) } == "PERMISSION_DENIED")
    }
}
