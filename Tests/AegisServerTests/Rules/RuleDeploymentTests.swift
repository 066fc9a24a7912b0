import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// Two aegisd on one PostgreSQL serve the same rules: a rule imported, or a
/// state set, through one instance is in force in the other's engine at once.
@Suite struct RuleDeploymentTests {
    static let native = """
        rule_id: aegis-ot-write
        name: Engineering write
        applies_to: [ot]
        match:
          field: CommandLine
          pattern: 'plc-write'
        emits:
          - technique_id: T1059
            tactic: execution
        """

    @Test func aRuleAndItsStateChangedOnOneInstanceFireOrNotOnTheOther() throws {
        let pair = try DeploymentTests.Pair()
        let a = try pair.a.client(), b = try pair.b.client()
        _ = try a.call("catalog.import", ["files": .array([try SharedDaemon.icsFile()])])
        let imported = try a.call(
            "rule.import", ["files": .array([.map(["name": "ot.yml", "content": .string(Self.native)])])])
        #expect(imported["totals"]?["invalid"] == 1)
        // T1059 is not in the ICS catalog: a native rule must name a known technique.
        let fixed = Self.native.replacingOccurrences(of: "T1059", with: "T0803")
        _ = try a.call("rule.import", ["files": .array([.map(["name": "ot.yml", "content": .string(fixed)])])])
        let event: MessagePackValue = .map(["CommandLine": "plc-write 7", "Computer": "gw-2"])
        let onB = try b.call("telemetry.ingest", ["events": [event], "source": "ot"])
        #expect(onB["detection_ids"]?.arrayValue?.count == 1)
        // Disabled through B, silent on A.
        let rule = try b.call("rule.get", ["id": "aegis-ot-write"])
        _ = try b.call("rule.set_state", ["id": "aegis-ot-write", "version": rule["version"] ?? 1, "state": "disabled"])
        let onA = try a.call("telemetry.ingest", ["events": [.map(["CommandLine": "plc-write 8"])], "source": "ot"])
        #expect(onA["detection_ids"] == .array([]))
        // Deleted through A, gone from B.
        let disabled = try a.call("rule.get", ["id": "aegis-ot-write"])
        _ = try a.call("rule.delete", ["id": "aegis-ot-write", "version": disabled["version"] ?? 1])
        #expect(code { try b.call("rule.get", ["id": "aegis-ot-write"]) } == "NOT_FOUND")
        #expect(try b.call("telemetry.ingest", ["events": [event], "source": "ot"])["detection_ids"] == .array([]))
    }
}
