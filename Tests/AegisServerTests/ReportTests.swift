import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// `report.*` and `metrics.operational` over the wire on the ICS team.
@Suite struct ReportTests {
    static let ics: MessagePackValue = "ics-attack"

    /// Two validated tests of T0803: one detected 300 s after the attack
    /// started, one missed, with its remediation owned, overdue, then done.
    func twoValidatedTests(_ team: Team) throws -> (detected: MessagePackValue, missed: MessagePackValue) {
        let start = Date().addingTimeInterval(-3_600)
        func run(_ alerted: Bool) throws -> MessagePackValue {
            var t = try team.move("redop", "test.start", try team.readyTest())
            t = try team.move(
                "redop", "test.submit_red", t,
                ["outcome": "executed", "attack_started_at": .timestamp(start), "attack_stopped_at": .timestamp(start.addingTimeInterval(60))])
            t = try team.move("blueanalyst", "test.start_review", t)
            var blue: MessagePackMap = ["prevented": "none", "alerted": .bool(alerted), "logged": .bool(false)]
            if alerted { blue.append(key: "detected_at", value: .timestamp(start.addingTimeInterval(300))) }
            t = try team.move("blueanalyst", "test.submit_blue", t, blue)
            t = try team.move("redlead", "test.approve", t, ["side": "red"])
            return try team.move("bluelead", "test.approve", t, ["side": "blue"])
        }
        return (try run(true), try run(false))
    }

    @Test func reportsCountTestsOutcomesAndRemediation() throws {
        let team = try Team()
        let viewer = team["viewer1"]
        var (detected, missed) = try twoValidatedTests(team)
        #expect(detected["outcome"] == "detected")
        #expect(missed["outcome"] == "missed")

        let coverage = try viewer.call("report.coverage", ["domain": Self.ics])
        #expect(coverage["tactics"]?.arrayValue?.count == 12)
        let inhibit = coverage["tactics"]?.arrayValue?.first { $0["id"] == "TA0107" }
        let line = inhibit?["techniques"]?.arrayValue?.first { $0["id"] == "T0803" }
        #expect(line?["tests"] == 2)
        #expect(line?["validated"] == 2)
        #expect(line?["detected"] == 1)
        #expect(line?["missed"] == 1)
        #expect(line?["status"] == "partial")
        #expect((line?["score"]?.doubleValue ?? 0) > 0)

        let byTechnique = try viewer.call("report.test_results", ["group_by": "technique"])
        #expect(byTechnique["rows"]?.arrayValue?.map { $0["key"] } == ["T0803"])
        #expect(byTechnique["totals"]?["tests"] == 2)
        #expect(byTechnique["totals"]?["executed"] == 2)
        #expect(byTechnique["totals"]?["detected"] == 1)
        #expect(byTechnique["totals"]?["missed"] == 1)
        let byTactic = try viewer.call("report.test_results", ["group_by": "tactic", "domain": Self.ics])
        #expect(byTactic["rows"]?.arrayValue?.first?["key"] == "inhibit-response-function")
        #expect(byTactic["totals"] == .nil)
        let byMonth = try viewer.call("report.test_results", ["group_by": "month"])
        #expect(byMonth["rows"]?.arrayValue?.count == 1)
        #expect(byMonth["rows"]?.arrayValue?.first?["key"]?.stringValue?.count == 7)
        let future = try viewer.call("report.test_results", ["since": .timestamp(Date().addingTimeInterval(86_400))])
        #expect(future["rows"] == .array([]))

        // Remediation: the missed test, owned and overdue.
        missed = try team.move(
            "bluelead", "test.update_remediation", missed,
            ["owner": "soc-team", "due_at": .timestamp(Date().addingTimeInterval(-86_400))])
        var open = try viewer.call("report.remediation")
        #expect(open["items"]?.arrayValue?.map { $0["test_id"] } == [missed["id"]])
        #expect(open["items"]?.arrayValue?.first?["overdue"] == true)
        #expect(open["items"]?.arrayValue?.first?["owner"] == "soc-team")
        _ = try team.move("bluelead", "test.update_remediation", missed, ["done_at": .timestamp(Date())])
        open = try viewer.call("report.remediation")
        #expect(open["items"] == .array([]))
        let all = try viewer.call("report.remediation", ["include_done": true])
        #expect(all["items"]?.arrayValue?.first?["overdue"] == false)

        // MTTD 300 s; MTTR from blue's findings to done, for the missed one.
        let metrics = try viewer.call("metrics.operational", ["group_by": "month"])
        let total = metrics["totals"]
        #expect(total?["executed"] == 2)
        #expect(total?["validated"] == 2)
        #expect(total?["detection_rate"]?.doubleValue == 0.5)
        #expect(total?["mttd_seconds"]?.doubleValue == 300)
        #expect(total?["mttd_tests"] == 1)
        #expect(total?["mttr_tests"] == 1)
        #expect((total?["mttr_seconds"]?.doubleValue ?? -1) >= 0)
        let byTeam = try viewer.call("metrics.operational", ["group_by": "team"])
        #expect(byTeam["rows"]?.arrayValue?.map { $0["key"] } == ["", "soc-team"])
        let metricsByTactic = try viewer.call("metrics.operational", ["group_by": "tactic", "domain": Self.ics])
        #expect(metricsByTactic["rows"]?.arrayValue?.first?["key"] == "inhibit-response-function")
    }

    @Test func exportsComeAsCSVChunksAndHideBlindNames() throws {
        let team = try Team()
        _ = try twoValidatedTests(team)
        // A blind test red has not submitted: its name is hidden from blue.
        _ = try team.readyTest(name: "Secret blind procedure")

        func export(_ client: AegisClient, _ params: MessagePackMap) throws -> (text: String, chunks: Int) {
            var text = "", chunks = 0
            var cursor: MessagePackValue = .nil
            repeat {
                var p = params
                if cursor != .nil { p.append(key: "cursor", value: cursor) }
                let chunk = try client.call("report.export", p)
                text += chunk["data"]?.stringValue ?? ""
                cursor = chunk["next_cursor"] ?? .nil
                chunks += 1
            } while cursor != .nil
            return (text, chunks)
        }
        let blue = try export(team["blueanalyst"], ["report": "tests", "format": "csv"])
        let lines = blue.text.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "id,technique_id,name,state,outcome,platform,created_at,attack_started_at,detected_at,validated_at,remediation_owner,remediation_due_at,remediated_at,targets")
        #expect(lines.count == 4)
        #expect(!blue.text.contains("Secret blind procedure"))
        let red = try export(team["redop"], ["report": "tests"])
        #expect(red.text.contains("Secret blind procedure"))

        let coverage = try export(team["viewer1"], ["report": "coverage", "domain": Self.ics])
        #expect(coverage.chunks == 1)
        #expect(coverage.text.hasPrefix("tactic_id,tactic,technique_id,technique,status,score,tests"))
        #expect(coverage.text.contains("TA0107,Inhibit Response Function,T0803,Block Command Message,partial,"))
        let results = try export(team["viewer1"], ["report": "test_results", "group_by": "month"])
        #expect(results.text.split(separator: "\r\n").count == 3)  // header, the month, total
        let metrics = try export(team["viewer1"], ["report": "metrics", "group_by": "team"])
        #expect(metrics.text.hasPrefix("key,executed,validated,detection_rate,mttd_seconds"))
        let remediation = try export(team["viewer1"], ["report": "remediation"])
        #expect(remediation.text.split(separator: "\r\n").count == 2)
    }

    @Test func badReportRequestsAreRefused() throws {
        let team = try Team()
        let viewer = team["viewer1"]
        #expect(code { try viewer.call("report.test_results", ["group_by": "colour"]) } == "INVALID_ARGUMENT")
        let now = Date()
        #expect(code { try viewer.call("report.test_results", ["since": .timestamp(now), "until": .timestamp(now)]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("metrics.operational", ["group_by": "technique"]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("report.export", ["report": "tests", "format": "xlsx"]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("report.export", ["report": "everything"]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("report.export", ["report": "tests", "cursor": "bogus!"]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("report.export", ["report": "test_results", "group_by": "colour"]) } == "INVALID_ARGUMENT")
        let first = try viewer.call("report.export", ["report": "coverage", "domain": Self.ics])
        #expect(first["next_cursor"] == .nil)
        #expect(code { try viewer.call("report.remediation", ["limit": 0]) } == "INVALID_ARGUMENT")
        // Dates a 64-bit microsecond count cannot hold are refused, not a crash.
        let far = Date(timeIntervalSince1970: 1e13)
        #expect(code { try viewer.call("report.test_results", ["since": .timestamp(far)]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("metrics.operational", ["until": .timestamp(far)]) } == "INVALID_ARGUMENT")
        #expect(code { try viewer.call("report.export", ["report": "metrics", "since": .timestamp(far)]) } == "INVALID_ARGUMENT")
        #expect(try team.admin.call("system.ping")["pong"] == true)
    }

    /// A blind test red has not submitted gives away neither its name nor
    /// its platform, in exports or in platform groups.
    @Test func blindTestsKeepTheirPlatformToThemselves() throws {
        let team = try Team()
        let test = try team["redop"].call(
            "test.create",
            ["technique_id": "T0803", "name": "Quiet one", "platform": "Siemens S7", "blind": true])
        #expect(test["blind"] == true)
        let groups = try team["blueanalyst"].call("report.test_results", ["group_by": "platform"])
        #expect(groups["rows"]?.arrayValue?.map { $0["key"] } == [""])
        let chunk = try team["blueanalyst"].call("report.export", ["report": "tests"])
        let text = chunk["data"]?.stringValue ?? ""
        #expect(!text.contains("Siemens") && !text.contains("Quiet one"))
        let red = try team["redop"].call("report.export", ["report": "tests"])
        #expect(red["data"]?.stringValue?.contains("Siemens S7") == true)
    }

    /// Chunks stop at half a frame, whatever the rows hold, so a small
    /// frame limit never strands an export.
    @Test func exportChunksFitTheFrameLimit() throws {
        let daemon = try TestDaemon(maxFrameBytes: 128 << 10, attackData: TestData.icsBundle)
        let team = try Team(daemon: daemon, importingCatalog: false)
        let long = String(repeating: "é", count: 190)
        for i in 0..<400 {
            _ = try team["redop"].call(
                "test.create", ["technique_id": "T0803", "name": .string("\(i) \(long)"), "blind": false])
        }
        var rows = 0, chunks = 0
        var cursor: MessagePackValue = .nil
        repeat {
            var params: MessagePackMap = ["report": "tests"]
            if cursor != .nil { params.append(key: "cursor", value: cursor) }
            let chunk = try team.admin.call("report.export", params)
            #expect((chunk["data"]?.stringValue?.utf8.count ?? 0) <= 128 << 10)
            rows += Int(chunk["rows"]?.intValue ?? 0)
            chunks += 1
            cursor = chunk["next_cursor"] ?? .nil
        } while cursor != .nil && chunks < 100
        #expect(rows == 400)
        #expect(chunks > 2)
    }
}
