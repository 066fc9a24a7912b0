import AegisApp
import AegisDomain
import AegisWire
import Foundation

/// A result that builds its wire form directly, for hot paths where the
/// generic `Encodable` route costs more than the work behind it. Must give
/// exactly what `MethodHandler.encoder` would (dates clamped into
/// `TimestampRange` included).
protocol WireEncodable {
    var wireValue: MessagePackValue { get }
}

extension ListResult: WireEncodable where Item: WireEncodable {
    var wireValue: MessagePackValue {
        .map(["items": .array(items.map(\.wireValue)), "next_cursor": nextCursor.map(MessagePackValue.string) ?? .nil])
    }
}

/// Every test mutation answers with the test: the workflow's hot path.
extension TestView: WireEncodable {
    var wireValue: MessagePackValue {
        let t = test
        let open = !redacted
        func text(_ s: String?) -> MessagePackValue { s.map(MessagePackValue.string) ?? .nil }
        func date(_ d: Date?) -> MessagePackValue { d.map { .timestamp(TimestampRange.clamped($0)) } ?? .nil }
        func ids(_ list: [String]) -> MessagePackValue { .array(list.map(MessagePackValue.string)) }
        func approval(_ a: Approval?) -> MessagePackValue {
            guard let a, open else { return .nil }
            return .map(["by": .string(a.by), "at": date(a.at)])
        }
        var red: MessagePackValue = .nil
        if open, let r = t.red {
            red = .map([
                "outcome": .string(r.outcome.rawValue), "commands": ids(r.commands), "notes": .string(r.notes),
                "attack_started_at": date(r.attackStartedAt), "attack_stopped_at": date(r.attackStoppedAt),
                "submitted_at": date(r.submittedAt), "submitted_by": .string(r.submittedBy),
            ])
        }
        var blue: MessagePackValue = .nil
        if open, let b = t.blue {
            blue = .map([
                "prevented": .string(b.prevented.rawValue), "alerted": .bool(b.alerted), "logged": .bool(b.logged),
                "notes": .string(b.notes), "alert_severity": text(b.alertSeverity?.rawValue),
                "detected_at": date(b.detectedAt), "detecting_tools": ids(b.detectingTools),
                "submitted_at": date(b.submittedAt), "submitted_by": .string(b.submittedBy),
            ])
        }
        var rejection: MessagePackValue = .nil
        if open, let r = t.lastRejection {
            rejection = .map([
                "side": .string(r.side.rawValue), "reason": .string(r.reason), "by": .string(r.by), "at": date(r.at),
            ])
        }
        let remediation: MessagePackValue =
            open
            ? .map([
                "owner": text(t.remediation.owner), "due_at": date(t.remediation.dueAt),
                "done_at": date(t.remediation.doneAt),
            ]) : .nil
        return .map([
            "id": .string(t.id), "version": .int(Int64(t.version)), "technique_id": .string(t.techniqueID),
            "state": .string(t.state.rawValue), "blind": .bool(t.blind), "redacted": .bool(redacted),
            "created_at": date(t.createdAt), "updated_at": date(t.updatedAt), "assignees": ids(t.assignees),
            "name": open ? .string(t.name) : .nil, "procedure": open ? .string(t.procedure) : .nil,
            "platform": open ? .string(t.platform) : .nil, "executor": open ? .string(t.executor) : .nil,
            "command": open ? .string(t.command) : .nil, "targets": open ? ids(t.targets) : .nil,
            "expected_detection": open ? .string(t.expectedDetection) : .nil,
            "procedure_id": open ? .string(t.procedureID) : .nil, "template_id": open ? text(t.templateID) : .nil,
            "created_by": open ? .string(t.createdBy) : .nil, "retest_of": open ? text(t.retestOf) : .nil,
            "source_ref": open ? text(t.sourceRef) : .nil,
            "chain": open ? ids(chain) : .nil, "retests": open ? ids(retests) : .nil, "red": red, "blue": blue,
            "outcome": open ? text(t.outcome?.rawValue) : .nil,
            "approvals": .map(["red": approval(t.redApproval), "blue": approval(t.blueApproval)]),
            "last_rejection": rejection, "started_at": date(t.startedAt), "active_seconds": .double(activeSeconds),
            "validated_at": date(t.validatedAt), "cancelled_at": date(t.cancelledAt),
            "cancel_reason": open ? text(t.cancelReason) : .nil, "reopen_reason": open ? text(t.reopenReason) : .nil,
            "remediation": remediation,
        ])
    }
}
