import AegisTestSupport
import Foundation
import Testing

/// `aegisctl rule`, `telemetry`, `detection` and `events tail --topic
/// detection.` against a real aegisd, on SigmaHQ's regression rules and
/// their recorded events.
@Suite struct DetectionCtlTests {
    static let regression = TestData.shared.appendingPathComponent("sigma-regression")
    static let rules = regression.appendingPathComponent("rules")
    static let rule = "85de1f22-d189-44e4-8239-dc276b45379b"  // Curl Web Request With Potential Custom User-Agent
    static let caseFolder = regression.appendingPathComponent(
        "regression_data/rules/windows/process_creation/proc_creation_win_curl_custom_user_agent")
    static let ruleFile = rules.appendingPathComponent(
        "windows/process_creation/proc_creation_win_curl_custom_user_agent.yml")
    static var eventsFile: URL { caseFolder.appendingPathComponent("\(rule).json") }

    /// The recorded process_creation events that are one object a file, compact,
    /// each once (two cases share an event).
    static func processCreationEvents() throws -> [Data] {
        let folder = regression.appendingPathComponent("regression_data/rules/windows/process_creation")
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        let files = (walker?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
        var seen = Set<Data>()
        return try files.compactMap { file in
            guard let object = try? JSONSerialization.jsonObject(with: Data(contentsOf: file)) else { return nil }
            let compact = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return seen.insert(compact).inserted ? compact : nil
        }
    }

    /// A shell with its own API key of `role`.
    static func shell(_ daemon: DaemonProcess, _ admin: Shell, role: String) throws -> Shell {
        let created = try object(try admin.run(["api-key", "create", "ctl-\(role)", "--role", role, "--json"]))
        let key = try #require(created["key"] as? String)
        return Shell(daemon, config: "\(role)-config", apiKey: key)
    }

    @Test func rulesTelemetryAndDetectionsFromTheCommandLine() throws {
        let daemon = try DaemonProcess()
        let admin = Shell(daemon, config: "admin-config")
        let lead = try Self.shell(daemon, admin, role: "blue_lead")
        let sensor = try Self.shell(daemon, admin, role: "ingest")
        let files = daemon.directory.url

        // A folder of real Sigma rules, recursively, a few files a request.
        let imported = try lead.run(["rule", "import", Self.rules.path, "--batch-bytes", "20000"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let lines = imported.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.hasPrefix("imported    \(Self.rule)  \(Self.rules.path)/windows/process_creation/") && $0.hasSuffix("(sigma)")
            }, "\(imported.stdout)")
        let totals = try #require(lines.last)
        #expect(totals.hasSuffix(" imported, 0 updated, 0 unchanged, 0 invalid, 0 unsupported"), "\(totals)")
        #expect(imported.stderr.contains("importing batch 2 of"))
        let again = try lead.run(["rule", "import", Self.ruleFile.path])
        #expect(again.status == 0 && again.stdout.hasPrefix("unchanged   \(Self.rule)  \(Self.ruleFile.path) (sigma)"))
        let broken = files.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data("title: nothing to detect\n".utf8).write(to: broken.appendingPathComponent("a.yml"))
        try Data(contentsOf: Self.ruleFile).write(to: broken.appendingPathComponent(Self.ruleFile.lastPathComponent))
        let refused = try lead.run(["rule", "import", broken.path, "--json"])
        #expect(refused.status == 1, "\(refused.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(refused.stdout.utf8)) as? [String: Any])
        #expect(report["totals"] as? [String: Int] == ["imported": 0, "updated": 0, "unchanged": 1, "invalid": 1, "unsupported": 0])
        #expect((report["files"] as? [[String: Any]])?.map { $0["path"] as? String } == [broken.path + "/a.yml", broken.path + "/" + Self.ruleFile.lastPathComponent])

        // Listing and reading.
        let listed = try lead.run(["rule", "list", "-q", "curl", "--format", "sigma"])
        #expect(listed.stdout.hasPrefix("ID ") && listed.stdout.contains(Self.rule), "\(listed.stdout)")
        let shown = try lead.run(["rule", "get", Self.rule, "--source"])
        for text in ["format        sigma", "state         enabled", "level         medium", "detection:"] {
            #expect(shown.stdout.contains(text), "\(text) missing from \(shown.stdout)")
        }
        #expect(try object(try lead.run(["rule", "get", Self.rule, "--json"]))["source"] == nil)

        // State: clipped for two hours, then enabled again.
        let clipped = try lead.run(["rule", "state", Self.rule, "--set", "clipped", "--confidence-max", "20", "--for", "2h", "--reason", "noisy"])
        #expect(clipped.status == 0 && clipped.stdout.contains("clipped ≤ 20 until ") && clipped.stdout.contains(": noisy"), "\(clipped.stderr)")
        let onlyClipped = try lead.run(["rule", "list", "--state", "clipped", "--json"])
        #expect(onlyClipped.stdout.contains(Self.rule))
        let enabled = try lead.run(["rule", "state", Self.rule, "--set", "enabled"])
        #expect(enabled.stdout.hasPrefix("\(Self.rule): enabled, set by api_key:"), "\(enabled.stdout)")
        let bad = try lead.run(["rule", "state", Self.rule, "--set", "clipped"])
        #expect(bad.status == 2 && bad.stderr.contains("INVALID_ARGUMENT"), "\(bad.stderr)")

        // Tried without storing: the stored rule, and a rule file.
        let tried = try lead.run(["rule", "test", Self.rule, Self.eventsFile.path])
        #expect(tried.stdout.contains("1 of 1 event matched") && tried.stdout.contains("  event 1: matched, "), "\(tried.stdout)\(tried.stderr)")
        let other = files.appendingPathComponent("other.ndjson")
        try Data("{\"CommandLine\": \"notepad.exe\"}\n{\"CommandLine\": \"curl -H 'User-Agent: x' http://a\"}\n".utf8).write(to: other)
        let fromFile = try lead.run(["rule", "test", "--file", Self.ruleFile.path, other.path, "--json"])
        let results = try #require((try object(fromFile)["rules"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        #expect(results.count == 2 && results[0]["matched"] as? Bool == false)

        // Ingest: one file, announced on the detection topic.
        let tail = try BackgroundCommand(["events", "tail", "--topic", "detection.", "--from", "0"], environment: admin.environment)
        defer { tail.stop() }
        #expect(try sensor.run(["rule", "list"]).stderr.contains("PERMISSION_DENIED"))
        let one = try sensor.run(["telemetry", "ingest", Self.eventsFile.path, "--source", "sysmon"])
        #expect(one.status == 0 && one.stdout.hasPrefix("ingested 1 event in 1 batch: 1 new detection, 0 repeated\n  det_"), "\(one.stdout)\(one.stderr)")
        #expect(tail.waitForLines(1))
        #expect(tail.lines.first?.contains("detection.created  detection:det_") == true && tail.lines.first?.contains("rule_id=\(Self.rule)") == true, "\(tail.lines)")

        // NDJSON, then the same events as a JSON array: no second detection.
        let events = try Self.processCreationEvents()
        #expect(events.count >= 20)
        let ndjson = files.appendingPathComponent("events.ndjson")
        try Data(events.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n").utf8).write(to: ndjson)
        let lined = try object(try sensor.run(["telemetry", "ingest", ndjson.path, "--batch", "7", "--json"]))
        let made = try #require(lined["detection_ids"] as? [String])
        #expect(lined["events"] as? Int == events.count && lined["batches"] as? Int == (events.count + 6) / 7)
        // Every event fires its own rule (the curl event again: its text differs from the file's, so it is new).
        #expect(made.count >= events.count && lined["repeated"] as? Int == 0, "\(lined)")
        let array = files.appendingPathComponent("events.json")
        try Data(("[\n" + events.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",\n") + "\n]").utf8).write(to: array)
        let arrayed = try sensor.run(["telemetry", "ingest", array.path, "--batch", "5000", "--batch-bytes", "4096"])
        #expect(arrayed.status == 0 && arrayed.stdout.contains(": 0 new detections, \(made.count) repeated"), "\(arrayed.stdout)")
        #expect(arrayed.stderr.contains("ingested ") && arrayed.stderr.contains(" of \(events.count) events"))
        let junk = files.appendingPathComponent("junk.ndjson")
        try Data("{\"a\": 1}\n[2]\n".utf8).write(to: junk)
        let refusedFile = try sensor.run(["telemetry", "ingest", junk.path])
        #expect(refusedFile.status == 1 && refusedFile.stderr.contains("line 2: an event must be a JSON object"), "\(refusedFile.stderr)")

        // Detections.
        let detections = try lead.run(["detection", "list", "--rule", Self.rule])
        #expect(detections.stdout.hasPrefix("ID ") && detections.stdout.split(separator: "\n").count == 3, "\(detections.stdout)")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(try lead.run(["detection", "list", "--limit", "0", "--json"]).stdout.utf8)) as? [[String: Any]])
        #expect(all.count == made.count + 1)
        let detection = try #require(all.first { $0["rule_id"] as? String == Self.rule })
        let id = try #require(detection["id"] as? String)
        let shownDetection = try lead.run(["detection", "get", id])
        for text in ["rule        \(Self.rule)", "confidence  50", "level       medium", "\nevidence\n  "] {
            #expect(shownDetection.stdout.contains(text), "\(text) missing from \(shownDetection.stdout)")
        }
        let event = try lead.run(["telemetry", "get", try #require(detection["event_id"] as? String)])
        #expect(event.stdout.contains("source    sysmon") && event.stdout.contains("Microsoft-Windows-Sysmon/Operational"), "\(event.stdout)")

        // Backtest over that day: the curl event was stored three times.
        let backtest = try lead.run(["rule", "backtest", Self.rule, "--since", "2025-12-11T00:00:00Z", "--until", "2025-12-12T00:00:00Z"])
        #expect(backtest.status == 0 && backtest.stdout.contains("\n3 matches in "), "\(backtest.stdout)\(backtest.stderr)")
        #expect(backtest.stdout.hasPrefix("2025-12-11T06:17:19Z  swachchhanda  \(Self.rule)  evt_"), "\(backtest.stdout)")

        let deleted = try lead.run(["rule", "delete", Self.rule])
        #expect(deleted.stdout == "deleted rule \(Self.rule)\n", "\(deleted.stderr)")
        let gone = try lead.run(["rule", "get", Self.rule])
        #expect(gone.status == 2 && gone.stderr.contains("NOT_FOUND"))
        #expect(daemon.terminate() == 0)
    }
}
