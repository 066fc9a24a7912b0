import CalderaTestSupport
import Foundation
import Testing

@testable import AegisCaldera

/// Which agent a test's targets name, and the potential link that runs it.
@Suite struct TestRunTests {
    /// The recorded agent: paw `aegisrec`, host `aegis-rec01.lab.example`,
    /// group `aegis-rec`, linux, `sh`.
    let recorded: CalderaAgent
    let ability: CalderaAbility

    init() throws {
        let recordings = try Recordings()
        recorded = try #require(
            try JSONDecoder().decode([CalderaAgent].self, from: recordings.named("agents").body).first)
        ability = try JSONDecoder().decode(CalderaAbility.self, from: recordings.named("ability-echo").body)
    }

    func test(targets: [String], executor: String = "sh", platform: String = "linux", command: String = "echo hi")
        -> TestToRun
    {
        TestToRun(
            id: "tst_1", name: "Echo", techniqueID: "T1082", command: command, executor: executor, platform: platform,
            targets: targets, abilityID: "aegis-rec-echo")
    }

    @Test func theRecordedAgentIsRead() {
        #expect(recorded.paw == "aegisrec")
        #expect(recorded.host == "aegis-rec01.lab.example")
        #expect(recorded.group == "aegis-rec")
        #expect(recorded.platform == "linux")
        #expect(recorded.executors == ["sh"])
        #expect(recorded.trusted)
        #expect(recorded.lastSeen != nil)
    }

    @Test(arguments: ["aegisrec", "AEGISREC", "aegis-rec01", "aegis-rec01.lab.example", "AEGIS-REC01.LAB.EXAMPLE"])
    func aTargetNamesTheAgentByPawOrHost(_ target: String) {
        #expect(TestRun.agent(for: ["web01", target], among: [recorded])?.paw == "aegisrec")
    }

    @Test(arguments: ["aegis-rec01.other.example", "aegisre", "web01"])
    func otherTargetsNameNoAgent(_ target: String) {
        #expect(TestRun.agent(for: [target], among: [recorded]) == nil)
    }

    @Test func trustedAndRecentAgentsComeFirst() {
        var stale = recorded
        stale.paw = "stale"
        stale.trusted = false
        var older = recorded
        older.paw = "older"
        older.lastSeen = Date(timeIntervalSince1970: 0)
        #expect(TestRun.agent(for: ["aegis-rec01"], among: [stale, older, recorded])?.paw == "aegisrec")
        #expect(TestRun.agent(for: ["aegis-rec01"], among: [stale, older])?.paw == "older")
    }

    @Test func thePlanPushesTheTestsCommandMarkedWithItsId() throws {
        let plan = try TestRun.plan(test(targets: ["aegisrec"]), ability: ability, agents: [recorded], group: nil).get()
        #expect(plan.agent == recorded)
        #expect(plan.link.paw == "aegisrec")
        #expect(plan.link.executorName == "sh")
        #expect(plan.link.platform == "linux")
        #expect(plan.link.command == "echo hi")
        #expect(plan.link.abilityID == "aegis-rec-echo")
        #expect(plan.link.techniqueID == "T1082")
        #expect(plan.link.tactic == ability.tactic)
        #expect(plan.link.timeout == ability.executors.first?.timeout)
        #expect(TestRun.testID(fromDescription: plan.link.abilityDescription ?? "") == "tst_1")
        #expect(TestRun.testID(fromDescription: "Manual command ability") == nil)
        // macos and darwin are one platform; the group, when set, must be the agent's.
        var mac = recorded
        mac.platform = "darwin"
        #expect(
            (try? TestRun.plan(test(targets: ["aegisrec"], platform: "macos"), ability: nil, agents: [mac], group: nil)
                .get()) != nil)
        #expect(
            (try? TestRun.plan(test(targets: ["aegisrec"]), ability: nil, agents: [recorded], group: "aegis-rec").get())
                != nil)
    }

    @Test func testsThatCannotRunSayWhy() {
        func reason(_ test: TestToRun, agents: [CalderaAgent]? = nil, group: String? = nil) -> String? {
            guard
                case .failure(let refusal) = TestRun.plan(
                    test, ability: ability, agents: agents ?? [recorded], group: group)
            else { return nil }
            return refusal.reason
        }
        var untrusted = recorded
        untrusted.trusted = false
        #expect(
            reason(test(targets: ["web99"]))
                == "no agent is named by its targets (web99): give the agent's paw or host as a target")
        #expect(reason(test(targets: [])) == "it has no targets: give the agent's paw or host as a target")
        #expect(reason(test(targets: ["aegisrec"], command: " ")) == "it has no command")
        #expect(
            reason(test(targets: ["aegisrec"], executor: "psh")) == "agent aegisrec has no executor psh (it has sh)")
        #expect(
            reason(test(targets: ["aegisrec"], platform: "windows"))
                == "the test is for windows, agent aegisrec runs linux")
        #expect(
            reason(test(targets: ["aegisrec"]), agents: [untrusted])
                == "agent aegisrec is not trusted (it stopped beaconing)")
        #expect(
            reason(test(targets: ["aegisrec"]), group: "purple")
                == "agent aegisrec is in group aegis-rec, the plugin runs tests in group purple")
    }

    @Test func thePotentialLinkEncodesAsCalderaReadsIt() throws {
        let plan = try TestRun.plan(test(targets: ["aegisrec"]), ability: ability, agents: [recorded], group: nil).get()
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(plan.link)) as? [String: Any]
        let ability = json?["ability"] as? [String: Any]
        #expect(ability?["ability_id"] as? String == "aegis-rec-echo")
        #expect(ability?["description"] as? String == "Run by Aegis for test tst_1")
        #expect((json?["executor"] as? [String: Any])?["timeout"] as? Int == plan.link.timeout)
    }
}
