import AegisCaldera
import AegisClient
import AegisWire
import Foundation

/// Makes the Aegis test of one finished Caldera link and takes it to
/// `blue_pending`, exactly once: the test is keyed by the link
/// (`source_ref` = `caldera:link:<id>`), so after a crash, a lost reply or
/// a restart, creating it again finds the first one, which is carried on
/// from wherever it stopped (`draft` → `mark_ready` → `start` → red's
/// evidence, unless it has some → `submit_red`).
///
/// Tests are not blind: Caldera's own operator records (the operation, its
/// links and output) are visible to anyone with a Caldera login, blue
/// included, so hiding the procedure in Aegis would hide nothing.
struct LinkImporter {
    let aegis: AegisAPI
    /// Given to every test created.
    let assignees: [String]

    /// What became of a link.
    enum Outcome: Equatable {
        /// A new test, now in `blue_pending`.
        case created
        /// A test made before and left on the way (a crash, a lost reply),
        /// now carried on.
        case resumed
        /// A test made before that red had already submitted.
        case alreadyDone
    }

    static func sourceRef(linkID: String) -> String { "caldera:link:\(linkID)" }

    func importLink(_ plan: LinkIntakePlan) throws(AegisClientError) -> Outcome {
        let (test, created) = try aegis.createTest(
            Self.createParams(plan, assignees: assignees), sourceRef: Self.sourceRef(linkID: plan.linkID))
        if !created && !test.awaitsRed { return .alreadyDone }
        try finishRed(test, plan, fresh: created)
        return created ? .created : .resumed
    }

    /// Moves `test` on until red has submitted. A move refused because the
    /// test changed meanwhile (someone else moved it) reads it again. A
    /// `fresh` test (just created) has no evidence yet; any other is asked.
    func finishRed(_ test: AegisTest, _ plan: LinkIntakePlan, fresh: Bool) throws(AegisClientError) {
        var test = test
        var evidenceDone = plan.evidence == nil
        for _ in 0..<10 {
            do {
                switch test.state {
                case "draft": test = try aegis.move("test.mark_ready", test)
                case "ready": test = try aegis.move("test.start", test)
                case "red_running", "red_paused":
                    if let evidence = plan.evidence, !evidenceDone {
                        let uploaded = fresh ? false : try aegis.hasRedEvidence(testID: test.id)
                        if !uploaded { try aegis.uploadRedEvidence(testID: test.id, evidence) }
                        evidenceDone = true
                    }
                    test = try aegis.move("test.submit_red", test, Self.redParams(plan.red))
                default:
                    return
                }
            } catch {
                guard ["CONFLICT", "INVALID_TRANSITION"].contains(error.code) else { throw error }
                test = try aegis.test(id: test.id)
            }
        }
        throw .transport("test \(test.id) kept changing while red's result was submitted")
    }

    static func createParams(_ plan: LinkIntakePlan, assignees: [String]) -> MessagePackMap {
        var params: MessagePackMap = [
            "technique_id": .string(plan.techniqueID), "name": .string(plan.name), "procedure": .string(plan.procedure),
            "platform": .string(plan.platform), "executor": .string(plan.executor), "command": .string(plan.command),
            "targets": .array(plan.targets.map(MessagePackValue.string)), "blind": false,
        ]
        if !assignees.isEmpty { params.append(key: "assignees", value: .array(assignees.map(MessagePackValue.string))) }
        return params
    }

    static func redParams(_ red: LinkIntakePlan.Red) -> MessagePackMap {
        var params: MessagePackMap = [
            "outcome": .string(red.outcome.rawValue), "commands": .array(red.commands.map(MessagePackValue.string)),
            "notes": .string(red.notes),
        ]
        if let start = red.attackStartedAt { params.append(key: "attack_started_at", value: .timestamp(start)) }
        if let stop = red.attackStoppedAt { params.append(key: "attack_stopped_at", value: .timestamp(stop)) }
        return params
    }
}
