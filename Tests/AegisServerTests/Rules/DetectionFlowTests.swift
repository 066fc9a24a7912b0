import AegisClient
import AegisDetection
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// Rules in, telemetry in, detections out, over the wire on a real daemon:
/// SigmaHQ's regression cases through `telemetry.ingest`, states, repeats,
/// `rule.test` and `rule.backtest`.
@Suite(.serialized) struct DetectionFlowTests {
    static let regression = TestData.shared.appendingPathComponent("sigma-regression")

    static func files(_ folder: URL, _ extensions: Set<String>) -> [URL] {
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        return (walker?.allObjects as? [URL] ?? []).filter { extensions.contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
    }

    /// A client with a key of the `ingest` role only.
    static func sensor(_ team: Team) throws -> AegisClient {
        let created = try team.admin.call("api_key.create", ["name": "sensor", "roles": ["ingest"]])
        return try team.daemon.client(key: .some(try #require(created["key"]?.stringValue)))
    }

    static func importFiles(_ client: AegisClient, _ urls: [URL]) throws -> MessagePackValue {
        try client.call(
            "rule.import",
            [
                "files": .array(
                    try urls.map {
                        .map(["name": .string($0.lastPathComponent), "content": .string(try String(contentsOf: $0, encoding: .utf8))])
                    })
            ])
    }

    /// Each case folder's events as JSON texts, and the rule id from info.yml.
    static func cases() throws -> [(ruleID: String, events: [MessagePackValue])] {
        try files(regression.appendingPathComponent("regression_data"), ["yml"]).filter { $0.lastPathComponent == "info.yml" }
            .map { info in
                let lines = try String(contentsOf: info, encoding: .utf8).split(separator: "\n")
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                let start = try #require(lines.firstIndex(of: "rule_metadata:"))
                let id = try #require(lines[start...].first { $0.hasPrefix("- id:") }).dropFirst(5)
                    .trimmingCharacters(in: .whitespaces)
                let events = try files(info.deletingLastPathComponent(), ["json"]).flatMap {
                    try TelemetryEvent.jsonTexts(try Data(contentsOf: $0)).map { MessagePackValue.string(String(decoding: $0, as: UTF8.self)) }
                }
                return (id, events)
            }
    }

    @Test func everySupportedRegressionCaseFiresThroughTelemetryIngestWithTheRulesTechniques() throws {
        let team = try Team()
        let rules = Self.files(Self.regression.appendingPathComponent("rules"), ["yml"])
            + Self.files(Self.regression.appendingPathComponent("rules-emerging-threats"), ["yml"])
        let report = try Self.importFiles(team["bluelead"], rules)
        let supported = Set(
            (report["files"]?.arrayValue ?? []).flatMap { $0["rules"]?.arrayValue ?? [] }
                .filter { $0["status"] == "imported" }.compactMap { $0["id"]?.stringValue })
        let sensor = try Self.sensor(team)
        var fired = 0, considered = 0
        var failures: [String] = []
        for c in try Self.cases() where supported.contains(c.ruleID) {
            considered += 1
            let ingested = try sensor.call("telemetry.ingest", ["events": .array(c.events), "source": "sysmon"])
            #expect(ingested["event_ids"]?.arrayValue?.count == c.events.count)
            let found = try team.viewer1.call("detection.list", ["rule_id": .string(c.ruleID)])["items"]?.arrayValue ?? []
            let rule = try team.viewer1.call("rule.get", ["id": .string(c.ruleID)])
            if let first = found.first, first["technique_ids"] == rule["technique_ids"], first["rule_format"] == "sigma" {
                fired += 1
            } else {
                failures.append("\(c.ruleID): \(found.count) detections")
            }
        }
        print("Sigma regression through telemetry.ingest: \(fired) of \(considered) supported cases fire (101 cases)")
        #expect(considered >= 95)
        #expect(failures.isEmpty, "\(failures)")
    }

    static let native = """
        rule_id: aegis-modbus-write
        rule_version: 1
        name: Modbus write from an engineering tool
        applies_to: [ot]
        match:
          field: CommandLine
          pattern: 'modbus-cli\\s+write'
        emits:
          - technique_id: T0803
            tactic: inhibit-response-function
            confidence: 80
        evidence_fields: [CommandLine, Computer]
        """

    static func event(_ n: Int, host: String = "plc-gw-1") -> MessagePackValue {
        .map([
            "CommandLine": .string("modbus-cli write 1 \(n)"), "Computer": .string(host),
            "@timestamp": .string("2026-12-01T10:00:0\(n % 10)Z"),
        ])
    }

    @Test func statesDecideWhetherARuleFiresAndARepeatMakesNoSecondDetection() throws {
        let team = try Team()
        let lead = team["bluelead"]
        let imported = try lead.call("rule.import", ["files": .array([.map(["name": "modbus.yml", "content": .string(Self.native)])])])
        #expect(imported["totals"]?["imported"] == 1)
        let sensor = try Self.sensor(team)
        let subscriber = try EventSubscriber(endpoint: team.daemon.daemon.eventsEndpoint, topics: ["detection."])

        let first = try sensor.call("telemetry.ingest", ["events": .array([Self.event(1)]), "source": "ot"])
        let ids = try #require(first["detection_ids"]?.arrayValue)
        #expect(ids.count == 1 && first["repeated"] == 0)
        let detection = try team.viewer1.call("detection.get", ["id": ids[0]])
        #expect(detection["technique_ids"] == ["T0803"] && detection["confidence"] == 80 && detection["host"] == "plc-gw-1")
        #expect(detection["evidence"]?["CommandLine"] == "modbus-cli write 1 1")
        let announced = try subscriber.next(timeout: .seconds(10))
        #expect(announced?.type == "detection.created" && announced?.subjectID == ids[0].stringValue)

        // The same event again: stored again as telemetry, no second detection.
        let again = try sensor.call("telemetry.ingest", ["events": .array([Self.event(1)]), "source": "ot"])
        #expect(again["detection_ids"] == .array([]) && again["repeated"] == 1)
        // Twice in one batch: one detection, announced once, and a repeat.
        let twice = try sensor.call("telemetry.ingest", ["events": .array([Self.event(7), Self.event(7)]), "source": "ot"])
        let twiceIDs = try #require(twice["detection_ids"]?.arrayValue)
        #expect(twiceIDs.count == 1 && twice["repeated"] == 1 && twice["event_ids"]?.arrayValue?.count == 2)
        #expect(try subscriber.next(timeout: .seconds(10))?.subjectID == twiceIDs[0].stringValue)
        // ...and nothing else before the next event's detection.
        let next = try sensor.call("telemetry.ingest", ["events": .array([Self.event(8)]), "source": "ot"])
        #expect(try subscriber.next(timeout: .seconds(10))?.subjectID == next["detection_ids"]?.arrayValue?.first?.stringValue)

        // Clipped: fires, capped. Disabled: silent. Expired: enabled again.
        let rule = try lead.call("rule.get", ["id": "aegis-modbus-write"])
        let clipped = try lead.call(
            "rule.set_state", ["id": "aegis-modbus-write", "version": rule["version"] ?? 1, "state": "clipped", "confidence_max": 30, "reason": "noisy"])
        let capped = try sensor.call("telemetry.ingest", ["events": .array([Self.event(2)]), "source": "ot"])
        let cappedID = try #require(capped["detection_ids"]?.arrayValue?.first)
        #expect(try team.viewer1.call("detection.get", ["id": cappedID])["confidence"] == 30)
        _ = try lead.call(
            "rule.set_state",
            [
                "id": "aegis-modbus-write", "version": clipped["version"] ?? 1, "state": "disabled",
                "expires_at": .timestamp(Date().addingTimeInterval(1.5)), "reason": "change window",
            ])
        #expect(try sensor.call("telemetry.ingest", ["events": .array([Self.event(3)]), "source": "ot"])["detection_ids"] == .array([]))
        // The timer reverts it on time and announces it.
        let states = try EventSubscriber(endpoint: team.daemon.daemon.eventsEndpoint, topics: ["rule.state_changed"])
        let reverted = try states.next(timeout: .seconds(15))
        #expect(reverted?.payload["auto_revert"] == true)
        #expect(try team.viewer1.call("rule.get", ["id": "aegis-modbus-write"])["state"]?["state"] == "enabled")
        #expect(try sensor.call("telemetry.ingest", ["events": .array([Self.event(4)]), "source": "ot"])["detection_ids"]?.arrayValue?.count == 1)

        // telemetry.get reads the event back as it was sent.
        let eventID = try #require(first["event_ids"]?.arrayValue?.first)
        let stored = try team["blueanalyst"].call("telemetry.get", ["id": eventID])
        #expect(stored["event"]?["CommandLine"] == "modbus-cli write 1 1" && stored["source"] == "ot")
        // Roles: a viewer may not ingest or read raw telemetry; the sensor may do nothing else.
        #expect(code { try team.viewer1.call("telemetry.ingest", ["events": .array([])]) } == "PERMISSION_DENIED")
        #expect(code { try team.viewer1.call("telemetry.get", ["id": eventID]) } == "PERMISSION_DENIED")
        #expect(code { try sensor.call("rule.list") } == "PERMISSION_DENIED")
    }

    @Test func ruleTestExplainsAndBacktestReadsStoredTelemetryWithoutStoringAnything() throws {
        let team = try Team()
        let sensor = try Self.sensor(team)
        _ = try sensor.call("telemetry.ingest", ["events": .array((0..<5).map { Self.event($0) }), "source": "ot"])
        let tried = try team["blueanalyst"].call(
            "rule.test",
            ["format": "native", "content": .string(Self.native), "events": .array([Self.event(1), .map(["CommandLine": "dir"])])])
        let results = try #require(tried["rules"]?.arrayValue?.first?["results"]?.arrayValue)
        #expect(results.map { $0["matched"] } == [true, false])
        #expect(results[0]["evidence"]?["Computer"] == "plc-gw-1")
        let backtest = try team["blueanalyst"].call(
            "rule.backtest",
            [
                "content": .string(Self.native), "since": .timestamp(Date(timeIntervalSince1970: 1_700_000_000)),
                "until": .timestamp(Date().addingTimeInterval(60)),
            ])
        #expect(backtest["scanned"] == 5 && backtest["matches"]?.arrayValue?.count == 5 && backtest["next_cursor"] == .nil)
        // Nothing was stored by either.
        #expect(try team.viewer1.call("detection.list")["items"] == .array([]))
        #expect(code { try team.viewer1.call("rule.get", ["id": "aegis-modbus-write"]) } == "NOT_FOUND")
    }
}

extension Team {
    var viewer1: AegisClient { self["viewer1"] }
}
