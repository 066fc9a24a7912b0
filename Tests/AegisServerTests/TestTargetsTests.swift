import AegisClient
import AegisWire
import Foundation
import Testing

/// A test's `targets` over the wire: set, shown, filtered, hidden while
/// blind, exported, and refused when malformed.
@Suite struct TestTargetsTests {
    static func strings(_ value: MessagePackValue?) -> [String]? {
        value?.arrayValue?.compactMap(\.stringValue)
    }

    static func targets(_ list: [String]) -> MessagePackValue { .array(list.map(MessagePackValue.string)) }

    /// The ids of the tests `who` finds with `test.list {target}`.
    static func found(_ team: Team, _ who: String, _ target: String) throws -> Set<String> {
        let page = try team[who].call("test.list", ["target": .string(target), "limit": 1000])
        return Set(page["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
    }

    @Test func createGetUpdateAndRetestCarryTheTargets() throws {
        let team = try Team()
        var t = try team["redop"].call(
            "test.create",
            [
                "technique_id": "T0803", "name": "Stop the PLC", "blind": false,
                "targets": Self.targets([" plc-01.ot.example ", "PLC-01.ot.example", "10.0.0.7", "dkmxsh"]),
            ])
        // Trimmed, case-insensitive duplicates dropped, order kept.
        #expect(Self.strings(t["targets"]) == ["plc-01.ot.example", "10.0.0.7", "dkmxsh"])
        let read = try team["viewer1"].call("test.get", ["id": t["id"] ?? .nil])
        #expect(Self.strings(read["targets"]) == ["plc-01.ot.example", "10.0.0.7", "dkmxsh"])

        t = try team.move("redop", "test.update", t, ["targets": Self.targets(["hmi01"])])
        #expect(Self.strings(t["targets"]) == ["hmi01"])
        #expect(try Self.found(team, "redop", "plc-01") == [])
        #expect(try Self.found(team, "redop", "HMI01") == [t["id"]?.stringValue ?? ""])
        // Updating another field leaves them; [] clears them.
        t = try team.move("redop", "test.update", t, ["name": "Stop the HMI"])
        #expect(Self.strings(t["targets"]) == ["hmi01"])
        t = try team.move("redop", "test.update", t, ["targets": .array([])])
        #expect(Self.strings(t["targets"]) == [])
        #expect(try Self.found(team, "redop", "hmi01") == [])

        t = try team.move("redop", "test.update", t, ["targets": Self.targets(["hmi02"])])
        t = try team.move("redop", "test.mark_ready", t)
        t = try team.move("redlead", "test.cancel", t, ["reason": "moved"])
        let again = try team.move("redop", "test.retest", t)
        #expect(Self.strings(again["targets"]) == ["hmi02"])
        #expect(try Self.found(team, "redop", "hmi02").count == 2)

        // The audit trail records the change like any other field.
        let audit = try team.admin.call("audit.list", ["entity_kind": "test", "entity_id": t["id"] ?? .nil])
        let updates = audit["items"]?.arrayValue?.filter { $0["action"] == "test.update" } ?? []
        #expect(updates.first?["changes"]?["targets"] == Self.targets(["hmi01"]))
    }

    @Test func aTestFromATemplateTakesTargets() throws {
        let team = try Team()
        let template = try team["redop"].call(
            "template.create",
            [
                "technique_id": "T0803", "name": "Echo",
                "executors": .array([.map(["platforms": .array(["linux"]), "name": "sh", "command": "echo hi"])]),
            ])
        let t = try team["redop"].call(
            "test.create_from_template",
            ["template_id": template["id"] ?? .nil, "targets": Self.targets(["web01.corp.example"]), "blind": false])
        #expect(Self.strings(t["targets"]) == ["web01.corp.example"])
        let none = try team["redop"].call("test.create_from_template", ["template_id": template["id"] ?? .nil])
        #expect(Self.strings(none["targets"]) == [])
        let bad = details {
            try team["redop"].call(
                "test.create_from_template", ["template_id": template["id"] ?? .nil, "targets": Self.targets(["a b"])])
        }
        #expect(bad?["field"] == "targets[0]")
    }

    @Test func theTargetFilterIgnoresCaseAndDomainSuffixes() throws {
        let team = try Team()
        func make(_ name: String, _ targets: [String]) throws -> String {
            let t = try team["redop"].call(
                "test.create",
                ["technique_id": "T0803", "name": .string(name), "blind": false, "targets": Self.targets(targets)])
            return t["id"]?.stringValue ?? ""
        }
        let bare = try make("bare", ["web01"])
        let corp = try make("corp", ["WEB01.corp.example"])
        let lab = try make("lab", ["web01.lab.example"])
        let other = try make("other", ["web010", "db01.corp.example"])
        let address = try make("address", ["10.0.0.1", "fe80::1"])
        _ = try make("none", [])

        #expect(try Self.found(team, "viewer1", "web01") == [bare, corp, lab])
        #expect(try Self.found(team, "viewer1", "Web01") == [bare, corp, lab])
        #expect(try Self.found(team, "viewer1", "web01.CORP.example") == [bare, corp])
        #expect(try Self.found(team, "viewer1", "web01.lab.example") == [bare, lab])
        #expect(try Self.found(team, "viewer1", "web01.elsewhere.example") == [bare])
        #expect(try Self.found(team, "viewer1", "db01") == [other])
        #expect(try Self.found(team, "viewer1", "web") == [])
        // Addresses match whole: 10.0.0.1 is not host "10" of a domain.
        #expect(try Self.found(team, "viewer1", "10.0.0.1") == [address])
        #expect(try Self.found(team, "viewer1", "10") == [])
        #expect(try Self.found(team, "viewer1", "FE80::1") == [address])
        // Combined with the other filters.
        let drafts = try team["viewer1"].call("test.list", ["target": "web01", "state": "ready"])
        #expect(drafts["items"]?.arrayValue?.isEmpty == true)
    }

    @Test func blindModeHidesTargetsAndTheFilterFindsNoHiddenTest() throws {
        let team = try Team()
        var t = try team["redop"].call(
            "test.create", ["technique_id": "T0803", "name": "Quiet", "targets": Self.targets(["secret-host"])])
        let id = t["id"]?.stringValue ?? ""
        let hidden = try team["blueanalyst"].call("test.get", ["id": .string(id)])
        #expect(hidden["redacted"] == true)
        #expect(hidden["targets"] == .nil)
        let listed = try team["blueanalyst"].call("test.list", ["technique_id": "T0803"])
        #expect(listed["items"]?.arrayValue?.first?["targets"] == .nil)
        // Filtering by target would tell blue what it may not read.
        #expect(try Self.found(team, "blueanalyst", "secret-host") == [])
        #expect(try Self.found(team, "viewer1", "secret-host") == [])
        #expect(try Self.found(team, "redlead", "secret-host") == [id])
        #expect(try Self.found(team, "admin", "secret-host") == [id])
        // Blind exports leave the targets out for those who see it blind.
        let blueExport = try team["blueanalyst"].call("report.export", ["report": "tests"])
        let header = blueExport["data"]?.stringValue?.split(separator: "\r\n").first
        #expect(header?.hasSuffix(",targets") == true)
        #expect(blueExport["data"]?.stringValue?.contains("secret-host") == false)
        let redExport = try team["redop"].call("report.export", ["report": "tests"])
        #expect(redExport["data"]?.stringValue?.contains("secret-host") == true)

        // Once red has submitted, nothing is hidden.
        t = try team.move("redop", "test.mark_ready", t)
        t = try team.move("redop", "test.start", t)
        t = try team.move("redop", "test.submit_red", t, ["outcome": "executed"])
        #expect(Self.strings(try team["blueanalyst"].call("test.get", ["id": .string(id)])["targets"]) == ["secret-host"])
        #expect(try Self.found(team, "blueanalyst", "secret-host") == [id])
    }

    @Test func malformedTargetsAreRefusedAndNothingIsWritten() throws {
        let team = try Team()
        let cases: [(MessagePackValue, String)] = [
            (Self.targets([""]), "targets[0]"),
            (Self.targets(["ok", "two words"]), "targets[1]"),
            (Self.targets(["héte"]), "targets[0]"),
            (Self.targets(["-dash"]), "targets[0]"),
            (Self.targets(["dot."]), "targets[0]"),
            (Self.targets(["a..b"]), "targets[0]"),
            (Self.targets(["x;rm"]), "targets[0]"),
            (Self.targets([String(repeating: "a", count: 256)]), "targets[0]"),
            (Self.targets((0..<33).map { "h\($0)" }), "targets"),
        ]
        for (targets, field) in cases {
            let refused = details {
                try team["redop"].call("test.create", ["technique_id": "T0803", "name": "x", "targets": targets])
            }
            #expect(refused?["field"] == .string(field), "\(targets)")
        }
        #expect(code { try team["redop"].call("test.create", ["technique_id": "T0803", "name": "x", "targets": "one"]) }
            == "INVALID_ARGUMENT")
        #expect(try team.admin.call("test.list", [:])["items"]?.arrayValue?.isEmpty == true)

        // At the limits: 32 targets of 255 bytes each are fine.
        let longest = (0..<32).map { String(repeating: "a", count: 250) + String(format: "%05d", $0) }
        let t = try team["redop"].call(
            "test.create", ["technique_id": "T0803", "name": "x", "targets": Self.targets(longest)])
        #expect(Self.strings(t["targets"])?.count == 32)
        // A refused update changes nothing.
        #expect(code { try team.move("redop", "test.update", t, ["targets": Self.targets(["bad host"])]) } == "INVALID_ARGUMENT")
        #expect(try team.admin.call("test.get", ["id": t["id"] ?? .nil])["version"] == 1)

        for filter in ["", "two words", "a..b", String(repeating: "b", count: 256)] {
            #expect(details { try team.admin.call("test.list", ["target": .string(filter)]) }?["field"] == "target")
        }
    }
}
