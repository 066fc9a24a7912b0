import AegisClient
import AegisWire
import Foundation
import Testing

/// Templates over the wire: manual ones, imports with a per-file report,
/// and tests made from them.
@Suite struct TemplateTests {
    static let atomic = """
        attack_technique: T0803
        display_name: Block Command Message
        atomic_tests:
        - name: Drop a stop command
          auto_generated_guid: 5c1f3a52-0a59-4f6c-9d1c-7a7e2a0b9d11
          description: Blocks a command to a PLC.
          supported_platforms: [linux]
          input_arguments:
            plc:
              description: The PLC address
              type: string
              default: 10.0.0.3
          executor:
            name: sh
            command: |
              iptables -A OUTPUT -d #{plc} -j DROP
            cleanup_command: |
              iptables -D OUTPUT -d #{plc} -j DROP
        """

    @Test func importReportsEveryFileAndTotals() throws {
        let team = try Team()
        let result = try team["redlead"].call(
            "template.import",
            [
                "format": "atomic",
                "files": .array([
                    .map(["name": "T0803.yaml", "content": .binary(Data(Self.atomic.utf8))]),
                    .map(["name": "broken.yaml", "content": .binary(Data("attack_technique: [".utf8))]),
                ]),
            ])
        let files = result["files"]?.arrayValue ?? []
        #expect(files.count == 2)
        #expect(files.first?["status"] == "imported")
        #expect(files.last?["status"] == "invalid")
        #expect(result["totals"]?["templates"] == 1)
        #expect(result["totals"]?["invalid_files"] == 1)
        #expect(result["added"] == 1)

        // Importing the same file again leaves the template as it is; a
        // changed file updates it in place instead of adding one.
        let again = try team["redlead"].call(
            "template.import",
            ["format": "atomic", "files": .array([.map(["name": "T0803.yaml", "content": .binary(Data(Self.atomic.utf8))])])])
        #expect(again["added"] == 0)
        #expect(again["updated"] == 0)
        #expect(again["unchanged"] == 1)
        let before = try #require(try team["viewer1"].call("template.list", ["technique_id": "T0803"])["items"]?.arrayValue?.first)
        #expect(before["version"] == 1)
        let changed = Self.atomic.replacingOccurrences(of: "-j DROP", with: "-j REJECT")
        let third = try team["redlead"].call(
            "template.import",
            ["format": "atomic", "files": .array([.map(["name": "T0803.yaml", "content": .binary(Data(changed.utf8))])])])
        #expect(third["updated"] == 1)
        #expect(third["unchanged"] == 0)
        let after = try #require(try team["viewer1"].call("template.list", ["technique_id": "T0803"])["items"]?.arrayValue?.first)
        #expect(after["version"] == 2)
        #expect(after["id"] == before["id"])
        _ = try team["redlead"].call(
            "template.import",
            ["format": "atomic", "files": .array([.map(["name": "T0803.yaml", "content": .binary(Data(Self.atomic.utf8))])])])

        let listed = try team["viewer1"].call("template.list", ["technique_id": "T0803"])
        let template = try #require(listed["items"]?.arrayValue?.first)
        #expect(template["executors"]?.arrayValue?.first?["cleanup"]?.stringValue?.hasPrefix("iptables -D OUTPUT -d #{plc} -j DROP") == true)

        // A test made from it has its inputs filled in.
        let test = try team["redop"].call(
            "test.create_from_template", ["template_id": template["id"] ?? .nil, "inputs": ["plc": "10.9.9.9"]])
        #expect(test["command"]?.stringValue?.hasPrefix("iptables -A OUTPUT -d 10.9.9.9 -j DROP") == true)
        #expect(test["technique_id"] == "T0803")
    }

    /// Inputs that would render a command longer than a test may hold are
    /// refused before anything is written (ten thousand placeholders of a
    /// 100 kB value would be a gigabyte).
    @Test func inputsThatRenderAnOverlongCommandAreRefused() throws {
        let team = try Team()
        let template = try team["redlead"].call(
            "template.create",
            [
                "technique_id": "T0803", "name": "Echo a lot",
                "executors": .array([
                    .map(["platforms": .array(["linux"]), "name": "sh", "command": .string(String(repeating: "#{x} ", count: 10_000))])
                ]),
                "inputs": .array([.map(["name": "x"])]),
            ])
        let lastSeq = try team.admin.call("events.status")["last_seq"]
        let error = #expect(throws: AegisClientError.self) {
            try team["redop"].call(
                "test.create_from_template",
                ["template_id": template["id"] ?? .nil, "inputs": ["x": .string(String(repeating: "y", count: 100_000))]])
        }
        #expect(error?.code == "INVALID_ARGUMENT")
        if case .remote(_, _, let details) = error { #expect(details?["field"] == "inputs") }
        #expect(try team.admin.call("test.list")["items"]?.arrayValue?.isEmpty == true)
        #expect(try team.admin.call("events.status")["last_seq"] == lastSeq)
        let fits = try team["redop"].call(
            "test.create_from_template", ["template_id": template["id"] ?? .nil, "inputs": ["x": "01234567"]])
        #expect(fits["command"]?.stringValue?.hasPrefix("01234567 01234567 ") == true)
        #expect((fits["command"]?.stringValue?.count ?? 0) >= 89_999)
    }

    @Test func manualTemplatesNeedOnlyTheEssentials() throws {
        let team = try Team()
        let created = try team["redlead"].call(
            "template.create",
            [
                "technique_id": "T0803", "name": "Hand-written",
                "executors": .array([.map(["platforms": .array(["windows"]), "name": "powershell", "command": "Stop-It #{x}"])]),
                "inputs": .array([.map(["name": "x"])]),
            ])
        #expect(created["executors"]?.arrayValue?.first?["elevation_required"] == false)
        #expect(created["inputs"]?.arrayValue?.first?["type"] == "string")
        let renamed = try team["redlead"].call(
            "template.update", ["id": created["id"] ?? .nil, "version": created["version"] ?? .nil, "name": "Renamed"])
        #expect(renamed["name"] == "Renamed")
        let stale = #expect(throws: AegisClientError.self) {
            try team["redlead"].call("template.delete", ["id": created["id"] ?? .nil, "version": created["version"] ?? .nil])
        }
        #expect(stale?.code == "CONFLICT")
        let denied = #expect(throws: AegisClientError.self) {
            try team["viewer1"].call("template.create", ["technique_id": "T0803", "name": "nope"])
        }
        #expect(denied?.code == "PERMISSION_DENIED")
        _ = try team["redlead"].call("template.delete", ["id": renamed["id"] ?? .nil, "version": renamed["version"] ?? .nil])
        let gone = #expect(throws: AegisClientError.self) { try team["redlead"].call("template.get", ["id": renamed["id"] ?? .nil]) }
        #expect(gone?.code == "NOT_FOUND")
    }
}
