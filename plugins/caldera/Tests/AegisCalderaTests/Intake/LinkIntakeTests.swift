import AegisDomain
import CalderaTestSupport
import Foundation
import Testing

@testable import AegisCaldera

/// Finished links recorded from Caldera become intake plans for Aegis tests.
@Suite struct LinkIntakeTests {
    let links: [CalderaLink]
    let operation: CalderaOperation
    let outputs: [String: CalderaLinkOutput]

    /// What the ICS-free test catalog holds here: the techniques the recorded
    /// abilities use, and T1059 but not T1059.999.
    static let catalog: Set<String> = ["T1082", "T1059", "T1059.004", "T1070.003", "T1497.003"]

    init() throws {
        let recordings = try Recordings()
        links = try JSONDecoder().decode([CalderaLink].self, from: recordings.named("links").body)
        operation = try JSONDecoder().decode(CalderaOperation.self, from: recordings.named("operation").body)
        var outputs: [String: CalderaLinkOutput] = [:]
        for i in links.indices {
            struct Wire: Decodable { var result: String }
            let wire = try JSONDecoder().decode(Wire.self, from: recordings.named("link-\(i)-result").body)
            let link = try JSONDecoder().decode(CalderaLink.self, from: recordings.named("link-\(i)").body)
            outputs[link.id] = try CalderaLinkOutput.decode(result: wire.result)
        }
        self.outputs = outputs
    }

    func plan(_ abilityID: String, catalog: Set<String> = LinkIntakeTests.catalog) throws -> LinkIntakeDecision {
        let link = try #require(links.first { $0.ability.abilityID == abilityID })
        return LinkIntake.decide(link, operation: operation, output: outputs[link.id], techniqueExists: catalog.contains)
    }

    func importing(_ abilityID: String) throws -> LinkIntakePlan {
        guard case .importing(let plan) = try plan(abilityID) else {
            throw Recordings.RecordingMissing(name: "a plan for \(abilityID)")
        }
        return plan
    }

    @Test func aSuccessfulLinkIsAnExecutedTestWithItsOutput() throws {
        let plan = try importing("aegis-rec-echo")
        let link = try #require(links.first { $0.id == plan.linkID })
        #expect(plan.techniqueID == "T1082")
        #expect(plan.command == "echo aegis-recorded")
        #expect(plan.executor == "sh")
        #expect(plan.platform == "linux")
        #expect(plan.targets == ["aegis-rec01.lab.example"])
        #expect(plan.red.outcome == .executed)
        #expect(plan.red.commands == ["echo aegis-recorded"])
        #expect(plan.red.attackStartedAt == link.collect)
        #expect(plan.red.attackStoppedAt == link.finish)
        #expect(plan.red.notes.contains(link.id))
        #expect(plan.notes.isEmpty)
        let evidence = try #require(plan.evidence)
        #expect(evidence.filename == "caldera-link-\(link.id).txt")
        let text = String(decoding: evidence.content, as: UTF8.self)
        #expect(text.contains("--- stdout ---\naegis-recorded\n"))
        #expect(text.contains("exit code: 0"))
    }

    @Test func status1IsAFailedTestWithStderrAsEvidence() throws {
        let plan = try importing("aegis-rec-error")
        #expect(plan.red.outcome == .failed)
        #expect(plan.notes.isEmpty)
        let text = String(decoding: try #require(plan.evidence).content, as: UTF8.self)
        #expect(text.contains("invalid time interval"))
    }

    @Test func status124IsAFailedTestWithATimeoutNote() throws {
        let plan = try importing("aegis-rec-timeout")
        #expect(plan.red.outcome == .failed)
        #expect(plan.notes == ["timed out: the agent stopped the command at its timeout (2 s) (status 124)"])
        #expect(plan.red.notes.contains("timed out"))
        #expect(plan.evidence != nil)
    }

    @Test func aLinkThatPrintedNothingHasNoEvidence() throws {
        let failed = try importing("aegis-rec-false")
        #expect(failed.red.outcome == .failed)
        #expect(failed.evidence == nil)
        let quiet = try importing("aegis-rec-true")
        #expect(quiet.red.outcome == .executed)
        #expect(quiet.evidence == nil)
    }

    @Test func anUnknownSubTechniqueIsFiledUnderItsParent() throws {
        let plan = try importing("aegis-rec-unknown")
        #expect(plan.techniqueID == "T1059")
        #expect(plan.notes == ["T1059.999 is not in the catalog: filed under its parent T1059"])
    }

    @Test func anUnknownTechniqueWithoutParentIsSkipped() throws {
        let link = try #require(links.first { $0.ability.abilityID == "aegis-rec-unknown" })
        #expect(
            try plan("aegis-rec-unknown", catalog: ["T1082"])
                == .skipped(linkID: link.id, reason: "technique T1059.999 is not in the catalog, nor a parent of it"))
    }

    @Test func unfinishedLinksWaitAndStartFallsBackToDecide() throws {
        var link = try #require(links.first)
        link.status = -3
        link.finish = nil
        #expect(
            LinkIntake.decide(link, operation: operation, output: nil, techniqueExists: Self.catalog.contains)
                == .pending(linkID: link.id, reason: "not finished (status -3)"))
        link = try #require(links.first)
        link.collect = nil
        guard case .importing(let plan) = LinkIntake.decide(link, operation: operation, output: nil, techniqueExists: Self.catalog.contains)
        else { Issue.record("not imported"); return }
        #expect(plan.red.attackStartedAt == link.decide)
    }

    @Test func aHostThatIsNoTargetFallsBackToThePaw() throws {
        var link = try #require(links.first)
        link.host = "not a host"
        guard case .importing(let plan) = LinkIntake.decide(link, operation: operation, output: nil, techniqueExists: Self.catalog.contains)
        else { Issue.record("not imported"); return }
        #expect(plan.targets == ["aegisrec"])
    }

    @Test func theLedgerImportsEachLinkOnce() throws {
        var ledger = LinkIntakeLedger()
        let first = ledger.decide(links, operation: operation, outputs: outputs, techniqueExists: Self.catalog.contains)
        #expect(first.count == 7)
        for case .importing(let plan) in first { ledger.record(plan.linkID) }
        let again = ledger.record(links[0].id)
        #expect(!again)
        #expect(ledger.decide(links, operation: operation, outputs: outputs, techniqueExists: Self.catalog.contains).isEmpty)
    }

    @Test func everyPlanFitsTheTestAndRedSubmissionRules() throws {
        for link in links {
            guard case .importing(let plan) = LinkIntake.decide(link, operation: operation, output: outputs[link.id], techniqueExists: Self.catalog.contains)
            else { continue }
            #expect((1...200).contains(plan.name.count))
            #expect(plan.targets.count <= TestTargets.maxCount)
            #expect(try TestTargets.validate(plan.targets, field: "targets") == plan.targets)
            if let start = plan.red.attackStartedAt, let stop = plan.red.attackStoppedAt { #expect(start <= stop) }
        }
    }
}
