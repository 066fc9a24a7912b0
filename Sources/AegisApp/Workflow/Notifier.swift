import AegisDomain
import Foundation

/// Creates the notifications a state change calls for, in its transaction:
/// whoever must act next hears about it.
struct Notifier {
    let repos: any Repositories
    let env: AppEnvironment
    let now: Date

    func testMoved(_ test: TestCase, action: TestAction) throws {
        let (kind, message, recipients): (String, String, Set<String>)
        switch (action, test.state) {
        case (_, .ready):
            (kind, message, recipients) = ("test.ready", "A test is ready to run.", try assignees(test, side: .red))
        case (_, .bluePending):
            (kind, message, recipients) = (
                "test.needs_blue", "Red has submitted; the blue side can review.",
                try assignees(test, side: .blue).union(try leads(.blueLead))
            )
        case (.submitBlue, .awaitingValidation):
            (kind, message, recipients) = (
                "test.needs_validation", "Both sides have submitted; the leads can validate.",
                try leads(.redLead).union(try leads(.blueLead))
            )
        case (.reopen(let reason), _):
            (kind, message, recipients) = (
                "test.reopened", "A validated test was reopened: \(reason)", try leads(.redLead).union(try leads(.blueLead))
            )
        case (.cancel, _):
            (kind, message, recipients) = ("test.cancelled", "The test was cancelled.", try active(Set(test.assignees)))
        case (.reject(let side, let reason), _):
            (kind, message, recipients) = (
                "test.rejected", "The \(side.rawValue) side's work was sent back: \(reason)",
                try assignees(test, side: side).union(try leads(side == .red ? .redLead : .blueLead))
            )
        case (_, .validated):
            (kind, message, recipients) = ("test.validated", "The test is validated.", try active(Set(test.assignees)))
        default:
            return
        }
        for user in recipients.sorted() {
            try repos.notifications.insert(
                UserNotification(
                    id: env.crypto.newID(prefix: "ntf_"), userID: user, kind: kind, testID: test.id, message: message,
                    createdAt: now))
        }
    }

    /// Those of `users` who are not disabled.
    private func active(_ users: Set<String>) throws -> Set<String> {
        var out = Set<String>()
        for id in users where try repos.users.user(id: id).map({ !$0.disabled }) ?? false { out.insert(id) }
        return out
    }

    /// Assignees on `side` (by their roles).
    private func assignees(_ test: TestCase, side: TeamSide) throws -> Set<String> {
        var out = Set<String>()
        let roles = side == .red ? Principal.redRoles : Principal.blueRoles
        for id in test.assignees {
            if let user = try repos.users.user(id: id), !user.disabled, !roles.isDisjoint(with: user.roles) {
                out.insert(id)
            }
        }
        return out
    }

    private func leads(_ role: Role) throws -> Set<String> { Set(try repos.users.userIDs(withRole: role)) }
}
