import AegisApp
import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// `countermeasure.*` over the wire on the ICS team: sync, list, get,
/// `technique.get`'s countermeasures, access, events and bad input.
@Suite struct CountermeasureTests {
    static func entry(_ id: String, _ name: String, _ tactic: String, parent: String? = nil) -> MessagePackValue {
        var m: MessagePackMap = ["id": .string(id), "name": .string(name), "tactic": .string(tactic)]
        if let parent { m.append(key: "parent", value: .string(parent)) }
        return .map(m)
    }

    static func link(_ attack: String, _ countermeasure: String, _ artifacts: [String]? = nil) -> MessagePackValue {
        var m: MessagePackMap = ["attack_id": .string(attack), "countermeasure_id": .string(countermeasure)]
        if let artifacts { m.append(key: "artifacts", value: .array(artifacts.map(MessagePackValue.string))) }
        return .map(m)
    }

    /// Three countermeasures on ICS techniques, and a link to a technique
    /// the catalog lacks.
    static let set: MessagePackMap = [
        "source": "d3fend", "version": "1.2.0",
        "techniques": .array([
            entry("D3-NTA", "Network Traffic Analysis", "Detect"),
            entry("D3-NTF", "Network Traffic Filtering", "Isolate", parent: "D3-NTA"),
            entry("D3-PH", "Platform Hardening", "harden"),
        ]),
        "links": .array([
            link("T0803", "D3-NTF", ["sends:Message<filters:NetworkTraffic"]), link("T0803", "D3-NTA"),
            link("T0803", "D3-PH"),
            link("T0800", "D3-PH"), link("T1059.001", "D3-NTA"),
        ]),
    ]

    @Test func syncedCountermeasuresAreListedShownAndAnnounced() throws {
        let team = try Team()
        let admin = team.admin
        let viewer = team["viewer1"]
        // Read (and cached) before the sync: none yet.
        #expect(try viewer.call("technique.get", ["id": "T0803"])["countermeasures"] == .map([:]))
        let start = try admin.call("events.status")["last_seq"]?.intValue ?? 0

        let synced = try admin.call("countermeasure.sync", Self.set)
        #expect(synced["added"] == 3 && synced["updated"] == 0 && synced["removed"] == 0 && synced["changed"] == true)
        #expect(synced["countermeasures"] == 3 && synced["links"] == 4 && synced["unknown_links"] == 1)
        #expect(synced["unknown_techniques"] == .array([.map(["id": "T1059.001", "count": 1])]))
        #expect(synced["revoked"] == .map([:]))

        // The commit emptied the cache: technique.get now groups them by tactic, in D3FEND's order.
        let technique = try viewer.call("technique.get", ["id": "t0803"])
        #expect(technique["name"] == "Block Command Message")
        let groups = try #require(technique["countermeasures"]?.mapValue)
        #expect(groups.entries.map(\.key) == ["Harden", "Detect", "Isolate"])
        #expect(groups["Detect"] == .array([.map(["id": "D3-NTA", "name": "Network Traffic Analysis"])]))

        let all = try viewer.call("countermeasure.list")
        #expect(all["items"]?.arrayValue?.map { $0["id"] } == ["D3-NTA", "D3-NTF", "D3-PH"])
        #expect(all["next_cursor"] == .nil)
        let ntf = all["items"]?.arrayValue?[1]
        #expect(ntf?["parent"] == "D3-NTA" && ntf?["tactic"] == "Isolate" && ntf?["source"] == "d3fend")
        #expect(ntf?["source_version"] == "1.2.0" && ntf?["iri"] == .nil && ntf?["definition"] == "")
        #expect(
            try viewer.call("countermeasure.list", ["tactic": "harden"])["items"]?.arrayValue?.map { $0["id"] } == [
                "D3-PH"
            ])
        #expect(
            try viewer.call("countermeasure.list", ["technique_id": "T0800"])["items"]?.arrayValue?.map { $0["id"] }
                == ["D3-PH"])
        #expect(
            try viewer.call("countermeasure.list", ["q": "traffic", "tactic": ""])["items"]?.arrayValue?.count == 2)
        let first = try viewer.call("countermeasure.list", ["limit": 2])
        let rest = try viewer.call("countermeasure.list", ["limit": 2, "cursor": first["next_cursor"] ?? .nil])
        #expect(rest["items"]?.arrayValue?.map { $0["id"] } == ["D3-PH"])

        let ph = try viewer.call("countermeasure.get", ["id": "d3-ph"])
        #expect(ph["id"] == "D3-PH" && ph["tactic"] == "Harden")
        #expect(ph["techniques"]?.arrayValue?.map { $0["id"] } == ["T0800", "T0803"])
        let shown = try viewer.call("countermeasure.get", ["id": "D3-NTF"])
        #expect(
            shown["techniques"]
                == .array([
                    .map([
                        "id": "T0803", "name": "Block Command Message",
                        "artifacts": .array(["sends:Message<filters:NetworkTraffic"]),
                    ])
                ]))

        // One event, replayable, with the counts.
        let replay = try admin.call("events.replay", ["after_seq": .int(start), "limit": 100])
        let events = replay["items"]?.arrayValue?.filter { $0["type"] == "countermeasure.synced" } ?? []
        #expect(events.count == 1)
        #expect(events.first?["subject"] == .map(["kind": "countermeasure_source", "id": "d3fend"]))
        #expect(
            events.first?["payload"]
                == .map([
                    "added": 3, "links": 4, "removed": 0, "source": "d3fend", "updated": 0, "version": "1.2.0",
                ]))
        let audit = try admin.call("audit.list", ["entity_kind": "countermeasure_source"])
        #expect(audit["items"]?.arrayValue?.first?["action"] == "countermeasure.sync")

        // The same set again answers the counts and announces nothing.
        let seq = try admin.call("events.status")["last_seq"]
        let again = try admin.call("countermeasure.sync", Self.set)
        #expect(again["changed"] == false && again["added"] == 0 && again["unchanged"] == 3 && again["links"] == 4)
        #expect(try admin.call("events.status")["last_seq"] == seq)
    }

    @Test func onlyAnAdminSyncsAndEveryoneReads() throws {
        #expect(AccessPolicy.rule(for: "countermeasure.sync") == .roles([.admin]))
        #expect(AccessPolicy.rule(for: "countermeasure.list") == .authenticated)
        #expect(AccessPolicy.rule(for: "countermeasure.get") == .authenticated)
        let team = try Team()
        for who in ["redlead", "bluelead", "viewer1"] {
            #expect(code { try team[who].call("countermeasure.sync", Self.set) } == "PERMISSION_DENIED")
        }
        #expect(try team["viewer1"].call("countermeasure.list")["items"] == .array([]))
        #expect(code { try team["viewer1"].call("countermeasure.get", ["id": "D3-PH"]) } == "NOT_FOUND")
        let anonymous = try team.daemon.client(key: .some(nil))
        #expect(code { try anonymous.call("countermeasure.list") } == "UNAUTHENTICATED")
    }

    /// Every param refused with its field named, and a refused sync leaves
    /// no trace: no countermeasure, no audit row, no event.
    @Test func badInputGetsAClearErrorAndWritesNothing() throws {
        let team = try Team()
        let admin = team.admin
        let seq = try admin.call("events.status")["last_seq"]
        func refused(_ method: String, _ params: MessagePackMap) -> (String?, String?) {
            let d = details { try admin.call(method, params) }
            return (code { try admin.call(method, params) }, d?["field"]?.stringValue)
        }
        func with(_ key: String, _ value: MessagePackValue) -> MessagePackMap {
            var p = Self.set
            p[.string(key)] = value
            return p
        }
        func entry(_ change: (inout MessagePackMap) -> Void) -> MessagePackMap {
            var e = Self.entry("D3-PH", "Platform Hardening", "Harden").mapValue ?? [:]
            change(&e)
            return with("techniques", .array([.map(e)]))
        }
        func link(_ change: (inout MessagePackMap) -> Void) -> MessagePackMap {
            var l = Self.link("T0803", "D3-NTA").mapValue ?? [:]
            change(&l)
            return with("links", .array([.map(l)]))
        }
        let invalid = "INVALID_ARGUMENT"
        let cases: [(MessagePackMap, String, String)] = [
            ([:], invalid, "source"),
            (with("source", 7), invalid, "source"),
            (with("source", "Not a slug"), invalid, "source"),
            (with("version", .nil), invalid, "version"),
            (with("version", ""), invalid, "version"),
            (with("techniques", "D3-PH"), invalid, "techniques"),
            (with("links", .map([:])), invalid, "links"),
            (with("extra", 1), invalid, "extra"),
            (entry { $0["id"] = "PH" }, invalid, "techniques[0].id"),
            (entry { $0["name"] = nil }, invalid, "techniques[0].name"),
            (entry { $0["name"] = .string(String(repeating: "n", count: 201)) }, invalid, "techniques[0].name"),
            (entry { $0["tactic"] = "Protect" }, invalid, "techniques[0].tactic"),
            (entry { $0["parent"] = "D3-NOPE" }, invalid, "techniques[0].parent"),
            (entry { $0["iri"] = 5 }, invalid, "techniques[0].iri"),
            (
                entry { $0["definition"] = .string(String(repeating: "d", count: 10_001)) }, invalid,
                "techniques[0].definition"
            ),
            (entry { $0["color"] = "red" }, invalid, "techniques[0].color"),
            (link { $0["attack_id"] = "X1" }, invalid, "links[0].attack_id"),
            (link { $0["countermeasure_id"] = "D3-ZZZ" }, invalid, "links[0].countermeasure_id"),
            (link { $0["artifacts"] = "a" }, invalid, "links[0].artifacts"),
            (
                link { $0["artifacts"] = .array(Array(repeating: "a", count: 51)) }, "RESOURCE_EXHAUSTED",
                "links[0].artifacts"
            ),
            (
                with("links", .array(Array(repeating: Self.link("T0803", "D3-NTA"), count: 100_001))),
                "RESOURCE_EXHAUSTED", "links"
            ),
        ]
        for (params, expected, field) in cases {
            let (got, gotField) = refused("countermeasure.sync", params)
            #expect(got == expected, "\(field)")
            #expect(gotField == field, "\(field): \(gotField ?? "none")")
        }
        #expect(try admin.call("events.status")["last_seq"] == seq)
        #expect(try admin.call("countermeasure.list")["items"] == .array([]))
        #expect(try admin.call("audit.list", ["entity_kind": "countermeasure_source"])["items"] == .array([]))

        // Another source may not take D3-PH once d3fend holds it.
        _ = try admin.call("countermeasure.sync", Self.set)
        let afterSync = try admin.call("events.status")["last_seq"]
        var other = Self.set
        other["source"] = "other"
        #expect(refused("countermeasure.sync", other) == ("FAILED_PRECONDITION", "techniques[0].id"))
        #expect(try admin.call("events.status")["last_seq"] == afterSync)
        #expect(try admin.call("audit.list", ["entity_kind": "countermeasure_source"])["items"]?.arrayValue?.count == 1)

        for (params, field) in [
            (["limit": 0] as MessagePackMap, "limit"), (["limit": 1001], "limit"), (["cursor": "nope"], "cursor"),
            (["tactic": "protect"], "tactic"), (["technique_id": "TA0002"], "technique_id"),
            (["q": .string(String(repeating: "q", count: 201))], "q"), (["sort": "name"], "sort"),
            (["limit": "10"], "limit"),
        ] {
            #expect(refused("countermeasure.list", params) == (invalid, field))
        }
        #expect(refused("countermeasure.get", [:]) == (invalid, "id"))
        #expect(refused("countermeasure.get", ["id": "PSA"]) == (invalid, "id"))
        #expect(refused("countermeasure.get", ["id": "D3-PSA", "x": 1]) == (invalid, "x"))
        let missing = details { try admin.call("countermeasure.get", ["id": "d3-psa"]) }
        #expect(missing?["kind"] == "countermeasure" && missing?["id"] == "D3-PSA")
    }
}
