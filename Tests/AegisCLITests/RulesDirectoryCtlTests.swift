import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// The aegisd executable given a rules directory by `--rules-dir` or by
/// `AEGIS_RULES_DIR`: a SigmaHQ file dropped in becomes a rule, and goes
/// with the file.
@Suite struct RulesDirectoryCtlTests {
    static let sigma = "sigma/rules/windows/process_creation/proc_creation_win_7zip_exfil_dmp_files.yml"
    static let ruleID = "ec570e53-4c76-45a9-804d-dc3f355ff7a7"

    static func rule(_ client: AegisClient) -> MessagePackMap? {
        try? client.call("rule.get", ["id": .string(ruleID)]).mapValue
    }

    /// Polls `condition` until it holds or 10 s pass.
    static func within(_ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }

    @Test(arguments: [true, false]) func aFileDroppedInIsARuleUntilItIsRemoved(byFlag: Bool) throws {
        let work = try TemporaryDirectory()
        let rules = work.url.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let daemon = try byFlag
            ? DaemonProcess(extraArguments: ["--rules-dir", rules.path])
            : DaemonProcess(environment: ["AEGIS_RULES_DIR": rules.path])
        let key = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let client = try AegisClient(endpoint: daemon.rpc, apiKey: key)
        #expect(try client.call("rule.sources")["directory"] == .string(rules.path))

        let file = rules.appendingPathComponent("7zip.yml")
        try FileManager.default.copyItem(at: TestData.shared.appendingPathComponent(Self.sigma), to: file)
        #expect(Self.within { Self.rule(client)?["source_name"] == "7zip.yml" })
        try FileManager.default.removeItem(at: file)
        #expect(Self.within { Self.rule(client) == nil })
        #expect(daemon.terminate() == 0)
    }
}
