import AegisApp
import AegisClient
import AegisDomain
import AegisStore
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// Detection rules as coverage over the wire, on the ICS catalog: the
/// score's `rules` component, `technique.get`'s counts, `report.coverage`
/// and its CSV, and `layer.export kind: rules`. Rules are stored in the
/// daemon's database before the first read; their states change through
/// `rule.set_state`, whose commits empty the read cache.
@Suite struct RuleCoverageWireTests {
    static let ics: MessagePackValue = "ics-attack"

    /// T0803: Sigma s-1 and s-2, Elastic e-1 (also T0804), native n-1.
    func seed(_ team: Team) throws {
        let store = try team.daemon.openStore()
        let dir = try TemporaryDirectory()
        let env = AppEnvironment(
            clock: SystemClock(), crypto: TestCrypto(),
            uploads: try FileUploadStaging(root: dir.url.appendingPathComponent("uploads")),
            blobs: try FileBlobStore(root: dir.url.appendingPathComponent("blobs")), instanceID: "seed",
            version: "0", startedAt: Date(), storeKind: store.kind)
        let service = RuleService(
            env: env, context: CallContext(requestID: "seed", principal: nil, peer: nil, session: try store.openSession()))
        func rule(_ id: String, _ format: RuleFormat, _ techniques: [String]) -> RuleDefinition {
            RuleDefinition(
                id: id, format: format, name: "Rule \(id)", techniqueIDs: techniques, evaluable: format != .elastic,
                sourceText: "id: \(id)\n")
        }
        _ = try service.put(
            [rule("s-1", .sigma, ["T0803"]), rule("s-2", .sigma, ["T0803"]), rule("n-1", .native, ["T0803"])],
            origin: .import, sourceName: "a.yml", action: "rule.import")
        _ = try service.put([rule("e-1", .elastic, ["T0803", "T0804"])], origin: .import, sourceName: "e.toml", action: "rule.import")
    }

    func rulesPoints(_ client: AegisClient, _ id: String) throws -> Double? {
        let score = try client.call("score.technique", ["id": .string(id), "domain": Self.ics])
        return score["components"]?.arrayValue?.first { $0["name"] == "rules" }?["points"]?.doubleValue
    }

    @Test func rulesShowInTheScoreTheTechniqueTheReportAndTheLayer() throws {
        let team = try Team()
        try seed(team)
        let viewer = team["viewer1"]
        let lead = team["bluelead"]
        #expect(try rulesPoints(viewer, "T0803") == 10)
        #expect(try rulesPoints(viewer, "T0804") == 5)
        let technique = try viewer.call("technique.get", ["id": "T0803"])
        #expect(technique["rules"] == [
            "total": 4, "by_format": ["sigma": 2, "elastic": 1, "native": 1],
            "by_state": ["enabled": 4, "disabled": 0, "clipped": 0],
        ])
        #expect(try viewer.call("technique.get", ["id": "T0800"])["rules"]?["total"] == 0)

        // States change over the wire: the cached answers follow.
        _ = try lead.call("rule.set_state", ["id": "s-1", "version": 1, "state": "disabled"])
        _ = try lead.call("rule.set_state", ["id": "s-2", "version": 1, "state": "clipped", "confidence_max": 20])
        _ = try lead.call("rule.set_state", ["id": "n-1", "version": 1, "state": "disabled"])
        #expect(try viewer.call("technique.get", ["id": "T0803"])["rules"]?["by_state"] == [
            "enabled": 1, "disabled": 2, "clipped": 1,
        ])
        #expect(try rulesPoints(viewer, "T0803") == 10)
        _ = try lead.call("rule.set_state", ["id": "e-1", "version": 1, "state": "disabled"])
        #expect(try rulesPoints(viewer, "T0803") == 5)
        #expect(try rulesPoints(viewer, "T0804") == 0)

        let report = try viewer.call("report.coverage", ["domain": Self.ics])
        let lines = (report["tactics"]?.arrayValue ?? []).flatMap { $0["techniques"]?.arrayValue ?? [] }
        let t0803 = try #require(lines.first { $0["id"] == "T0803" })
        #expect(t0803["rules"] == 1 && t0803["rules_disabled"] == 3)
        let csv = try viewer.call("report.export", ["report": "coverage", "domain": Self.ics])
        let rows = (csv["data"]?.stringValue ?? "").components(separatedBy: "\r\n")
        #expect(rows.first?.hasSuffix(",logged,missed,rules,rules_disabled") == true)
        #expect(rows.contains { $0.contains(",T0803,") && $0.hasSuffix(",1,3") })

        let layer = try viewer.call("layer.export", ["kind": "rules", "filters": ["domain": Self.ics]])
        #expect(layer["kind"] == "rules")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data((layer["content"]?.stringValue ?? "").utf8)) as? [String: Any])
        let entry = try #require((json["techniques"] as? [[String: Any]])?.first { $0["techniqueID"] as? String == "T0803" })
        #expect(entry["score"] as? Double == 1)
        #expect(entry["comment"] as? String == "1 rule enabled or clipped: Rule s-2 (sigma, clipped); 3 disabled")
    }

    @Test func aStateThatExpiresCountsAgainOnceReverted() throws {
        let team = try Team()
        try seed(team)
        let viewer = team["viewer1"]
        let expiry = Date().addingTimeInterval(1.5)
        _ = try team["bluelead"].call(
            "rule.set_state", ["id": "e-1", "version": 1, "state": "disabled", "expires_at": .timestamp(expiry)])
        #expect(try rulesPoints(viewer, "T0804") == 0)
        // The daemon's timer reverts it (a commit, which empties the cache).
        let deadline = Date().addingTimeInterval(15)
        var points = try rulesPoints(viewer, "T0804")
        while points != 5, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            points = try rulesPoints(viewer, "T0804")
        }
        #expect(points == 5)
        #expect(try viewer.call("technique.get", ["id": "T0804"])["rules"]?["by_state"]?["enabled"] == 1)
    }
}
