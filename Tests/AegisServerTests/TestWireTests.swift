import AegisApp
import AegisDomain
import AegisWire
import Foundation
import Testing

@testable import AegisServer

/// The hand-built wire form of a test must equal what the generic encoder
/// gives, field for field.
@Suite struct TestWireTests {
    func sample() -> TestCase {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        var t = TestCase(
            id: "tst_1", techniqueID: "T1059", name: "n", procedure: "p", platform: "windows", executor: "psh",
            command: "c", expectedDetection: "e", assignees: ["usr_1"], templateID: "tpl_1", retestOf: "tst_0",
            createdAt: t0, createdBy: "user:u")
        t.red = RedResult(
            outcome: .executed, attackStartedAt: t0, attackStoppedAt: nil, commands: ["a"], notes: "r", submittedAt: t0,
            submittedBy: "user:r")
        t.blue = BlueResult(
            prevented: .partial, alerted: true, alertSeverity: .high, logged: false, detectedAt: t0,
            detectingTools: ["edr"], notes: "b", submittedAt: t0, submittedBy: "user:b")
        t.outcome = .detected
        t.redApproval = Approval(by: "user:rl", at: t0)
        t.lastRejection = Rejection(side: .blue, reason: "why", by: "user:bl", at: t0)
        t.remediation = Remediation(owner: "o", dueAt: t0, doneAt: nil)
        t.startedAt = t0
        return t
    }

    @Test(arguments: [false, true])
    func matchesTheGenericEncoding(redacted: Bool) throws {
        let view = TestView(sample(), at: Date(timeIntervalSince1970: 1_800_000_100), chain: ["tst_0", "tst_1"], retests: ["tst_2"], redacted: redacted)
        let generic = try MessagePackEncoder(nilOptionals: .explicit).encodeValue(view)
        #expect(view.wireValue == generic)
        let list = ListResult(items: [view], nextCursor: "c")
        #expect(list.wireValue == (try MessagePackEncoder(nilOptionals: .explicit).encodeValue(list)))
    }
}
