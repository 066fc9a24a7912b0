import AegisDomain
import Foundation

/// Records a mutation inside its transaction: the audit row always, and
/// the domain event when the change announces one. Every use case that
/// writes goes through here, so no change escapes the trail.
struct ChangeLog {
    let repos: any Repositories
    let env: AppEnvironment
    let context: CallContext
    let now: Date

    /// `action` is the method (`test.submit_red`); `changes` the fields
    /// written (secrets as `"<set>"`, never their value).
    func record(
        _ action: String, _ kind: String, _ id: String, changes: [String: Value] = [:],
        event: EventType? = nil, payload: [String: Value] = [:]
    ) throws {
        try repos.audit.append(
            AuditEntry(
                at: now, actor: context.actorID, action: action, entityKind: kind, entityID: id, changes: changes,
                requestID: context.requestID, peer: context.peer))
        if let event {
            try repos.events.append(
                DomainEvent(type: event, subject: .init(kind: kind, id: id), actor: context.actorID, payload: payload),
                source: env.instanceID, at: now)
        }
    }
}

extension Value {
    /// A timestamp, or null.
    static func date(_ date: Date?) -> Value { date.map(Value.timestamp) ?? .null }
    /// A string, or null.
    static func text(_ text: String?) -> Value { text.map(Value.string) ?? .null }
}
