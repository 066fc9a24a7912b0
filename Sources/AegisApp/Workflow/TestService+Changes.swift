import AegisDomain
import Foundation

/// Editing a test's fields and its remediation, outside the state machine.
extension TestService {
    public func update(id: String, version: Int, fields: Fields) throws -> TestView {
        let now = env.clock.now()
        let test = try context.session.write { repos in
            var test = try load(repos, id: id, version: version)
            guard TestWorkflow.isEditable(test.state) else {
                throw AegisError(
                    .invalidTransition, "a test can be edited only while draft or ready",
                    details: ["from": .string(test.state.rawValue), "to": .string(test.state.rawValue), "action": "update"])
            }
            let changes = try apply(fields, to: &test, repos: repos, creating: false)
            test.version += 1
            test.updatedAt = now
            try save(test, repos: repos, assigneesChanged: fields.assignees != nil, targetsChanged: fields.targets != nil)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "test.update", "test", id, changes: changes, event: .testUpdated, payload: updated(test, changes))
            return test
        }
        return TestView(test, at: now)
    }

    /// Who fixes a missed or logged result, by when, and when it was done.
    public func updateRemediation(id: String, version: Int, owner: String??, dueAt: Date??, doneAt: Date??) throws
        -> TestView
    {
        let now = env.clock.now()
        let test = try context.session.write { repos in
            var test = try load(repos, id: id, version: version)
            guard test.state == .validated || test.state == .awaitingValidation else {
                throw AegisError(
                    .invalidTransition, "remediation follows the blue side's results",
                    details: ["from": .string(test.state.rawValue), "to": .string(test.state.rawValue), "action": "update_remediation"])
            }
            var changes: [String: Value] = [:]
            if let owner {
                test.remediation.owner = try owner.map { try Validate.text($0, field: "owner", max: 200) }
                changes["owner"] = .text(test.remediation.owner)
            }
            if let dueAt {
                test.remediation.dueAt = dueAt
                changes["due_at"] = .date(dueAt)
            }
            if let doneAt {
                test.remediation.doneAt = doneAt
                changes["done_at"] = .date(doneAt)
            }
            test.version += 1
            test.updatedAt = now
            try save(test, repos: repos)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "test.update_remediation", "test", id, changes: changes, event: .testUpdated,
                payload: updated(test, changes))
            return test
        }
        return TestView(test, at: now)
    }

    /// The payload of `test.updated`: which fields changed, unless blind
    /// mode hides that (the redacted timeline has no `changes`).
    private func updated(_ test: TestCase, _ changes: [String: Value]) -> [String: Value] {
        [
            "version": .int(Int64(test.version)),
            "fields": test.isRedactedWhileBlind ? .null : .strings(changes.keys.sorted()),
        ]
    }
}
