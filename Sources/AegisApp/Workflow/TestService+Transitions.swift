import AegisDomain
import Foundation

/// Moving a test through its state machine (`TestWorkflow`).
extension TestService {
    /// Moves the test through its state machine.
    public func transition(id: String, version: Int, _ action: TestAction) throws -> TestView {
        let principal = try context.requirePrincipal()
        try authorizeSide(of: action, principal)
        let now = env.clock.now()
        let test = try context.session.write { repos in
            let old = try load(repos, id: id, version: version)
            let test = try TestWorkflow.apply(action, to: old, by: principal.actorID, at: now)
            try save(test, repos: repos)
            let log = ChangeLog(repos: repos, env: env, context: context, now: now)
            var changes: [String: Value] = ["state": .string(test.state.rawValue)]
            switch action {
            case .reject(let side, let reason):
                changes["side"] = .string(side.rawValue)
                changes["reason"] = .string(reason)
            case .reopen(let reason):
                changes["reason"] = .string(reason)
            case .cancel:
                // As kept on the test: trimmed, and none when blank.
                if let reason = test.cancelReason { changes["reason"] = .string(reason) }
            case .approve(let side):
                changes["side"] = .string(side.rawValue)
            default: break
            }
            if let outcome = test.outcome, old.outcome != outcome { changes["outcome"] = .string(outcome.rawValue) }
            let payload: [String: Value] = [
                "technique_id": .string(test.techniqueID), "from": .string(old.state.rawValue),
                "to": .string(test.state.rawValue), "action": .string(action.name), "version": .int(Int64(test.version)),
            ]
            try log.record("test.\(action.name)", "test", id, changes: changes, event: .testStateChanged, payload: payload)
            if test.state == .validated {
                try repos.events.append(
                    DomainEvent(
                        type: .testValidated, subject: .init(kind: "test", id: id), actor: principal.actorID,
                        payload: [
                            "technique_id": .string(test.techniqueID), "outcome": .text(test.outcome?.rawValue),
                            "version": .int(Int64(test.version)),
                        ]),
                    source: env.instanceID, at: now)
            }
            if case .reopen(let reason) = action {
                try repos.events.append(
                    DomainEvent(
                        type: .testReopened, subject: .init(kind: "test", id: id), actor: principal.actorID,
                        payload: ["technique_id": .string(test.techniqueID), "reason": .string(reason)]),
                    source: env.instanceID, at: now)
            }
            try Notifier(repos: repos, env: env, now: now).testMoved(test, action: action)
            switch action {
            case .approve, .reopen, .cancel:
                let coverage = TechniqueStatusKeeper(repos: repos, env: env, context: context, now: now)
                if old.state == .validated || test.state == .validated {
                    try repos.tests.refreshProcedure(test.procedureID, techniqueID: test.techniqueID)
                }
                try coverage.refresh(test.techniqueID)
            default: break
            }
            return test
        }
        return TestView(test, at: now)
    }

    /// Approving or rejecting a side is that side's lead's call.
    private func authorizeSide(of action: TestAction, _ principal: Principal) throws(AegisError) {
        let side: TeamSide
        switch action {
        case .approve(let s), .reject(let s, _): side = s
        default: return
        }
        let lead: Role = side == .red ? .redLead : .blueLead
        guard principal.has(.admin) || principal.has(lead) else {
            throw AegisError(
                .permissionDenied, "only the \(side.rawValue) lead can \(action.name) the \(side.rawValue) side",
                details: ["side": .string(side.rawValue)])
        }
    }
}
