import AegisDomain
import Foundation

/// Keeps `technique_status` in step with the tests, inside their transaction.
struct TechniqueStatusKeeper {
    let repos: any Repositories
    let env: AppEnvironment
    let context: CallContext
    let now: Date

    func refresh(_ techniqueID: String) throws {
        let (latest, live) = try repos.tests.coverage(techniqueID: techniqueID)
        let status = TechniqueStatus.aggregate(latestValidated: latest, hasOtherTests: live)
        let old = try repos.tests.status(techniqueID: techniqueID)
        guard status != old else { return }
        try repos.tests.setStatus(status, techniqueID: techniqueID, at: now)
        try repos.events.append(
            DomainEvent(
                type: .techniqueStatusChanged, subject: .init(kind: "technique", id: techniqueID),
                actor: context.actorID, payload: ["from": .string(old.rawValue), "to": .string(status.rawValue)]),
            source: env.instanceID, at: now)
    }
}
