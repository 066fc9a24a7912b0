import AegisDomain
import Foundation

/// A test as the wire shows it: every field, red's active time as of the
/// read, its retest chain, and, for those who see a blind test blind until
/// red submits (`Principal.seesBlindTestsBlind`), only that it exists
/// (`redacted: true`).
public struct TestView: Sendable, Encodable {
    public var test: TestCase
    public var activeSeconds: Double
    /// Oldest first, this test included: the retest chain it belongs to.
    public var chain: [String]
    public var retests: [String]
    public var redacted: Bool

    public init(_ test: TestCase, at now: Date, chain: [String] = [], retests: [String] = [], redacted: Bool = false) {
        self.test = test
        self.activeSeconds = test.activeSeconds(at: now)
        self.chain = chain
        self.retests = retests
        self.redacted = redacted
    }

    enum CodingKeys: String, CodingKey {
        case id, version, name, procedure, platform, executor, command, assignees, targets, blind, state, red, blue, outcome
        case approvals, remediation, chain, retests, redacted
        case techniqueID = "technique_id"
        case expectedDetection = "expected_detection"
        case procedureID = "procedure_id"
        case templateID = "template_id"
        case retestOf = "retest_of"
        case sourceRef = "source_ref"
        case lastRejection = "last_rejection"
        case startedAt = "started_at"
        case activeSeconds = "active_seconds"
        case validatedAt = "validated_at"
        case cancelledAt = "cancelled_at"
        case cancelReason = "cancel_reason"
        case reopenReason = "reopen_reason"
        case createdAt = "created_at"
        case createdBy = "created_by"
        case updatedAt = "updated_at"
    }

    struct Approvals: Encodable {
        var red: Approval?
        var blue: Approval?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: TeamKey.self)
            try c.encode(red, forKey: .red)
            try c.encode(blue, forKey: .blue)
        }

        enum TeamKey: String, CodingKey { case red, blue }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let t = test
        try c.encode(t.id, forKey: .id)
        try c.encode(t.version, forKey: .version)
        try c.encode(t.techniqueID, forKey: .techniqueID)
        try c.encode(t.state, forKey: .state)
        try c.encode(t.blind, forKey: .blind)
        try c.encode(redacted, forKey: .redacted)
        try c.encode(t.createdAt, forKey: .createdAt)
        try c.encode(t.updatedAt, forKey: .updatedAt)
        try c.encode(t.assignees, forKey: .assignees)
        // A redacted test shows only that it exists: everything else is nil.
        let open = !redacted
        try c.encode(open ? t.name : nil, forKey: .name)
        try c.encode(open ? t.procedure : nil, forKey: .procedure)
        try c.encode(open ? t.platform : nil, forKey: .platform)
        try c.encode(open ? t.executor : nil, forKey: .executor)
        try c.encode(open ? t.command : nil, forKey: .command)
        try c.encode(open ? t.targets : nil, forKey: .targets)
        try c.encode(open ? t.expectedDetection : nil, forKey: .expectedDetection)
        try c.encode(open ? t.procedureID : nil, forKey: .procedureID)
        try c.encode(open ? t.templateID : nil, forKey: .templateID)
        try c.encode(open ? t.createdBy : nil, forKey: .createdBy)
        try c.encode(open ? t.retestOf : nil, forKey: .retestOf)
        try c.encode(open ? t.sourceRef : nil, forKey: .sourceRef)
        try c.encode(open ? chain : nil, forKey: .chain)
        try c.encode(open ? retests : nil, forKey: .retests)
        try c.encode(open ? t.red : nil, forKey: .red)
        try c.encode(open ? t.blue : nil, forKey: .blue)
        try c.encode(open ? t.outcome : nil, forKey: .outcome)
        try c.encode(Approvals(red: open ? t.redApproval : nil, blue: open ? t.blueApproval : nil), forKey: .approvals)
        try c.encode(open ? t.lastRejection : nil, forKey: .lastRejection)
        try c.encode(t.startedAt, forKey: .startedAt)
        try c.encode(activeSeconds, forKey: .activeSeconds)
        try c.encode(t.validatedAt, forKey: .validatedAt)
        try c.encode(t.cancelledAt, forKey: .cancelledAt)
        try c.encode(open ? t.cancelReason : nil, forKey: .cancelReason)
        try c.encode(open ? t.reopenReason : nil, forKey: .reopenReason)
        try c.encode(open ? t.remediation : nil, forKey: .remediation)
    }
}

extension Principal {
    /// Whether `test` must be shown redacted to this principal.
    func seesRedacted(_ test: TestCase) -> Bool {
        test.isRedactedWhileBlind && seesBlindTestsBlind
    }
}

extension TestCase {
    /// Blind, and red has not submitted (a test cancelled before that stays
    /// so): whoever sees blind tests blind gets it redacted. Events reach
    /// every subscriber, so events about such a test say no more than its
    /// redacted view and timeline do.
    var isRedactedWhileBlind: Bool { blind && red == nil }
}
