import AegisDomain
import Foundation
import Synchronization

/// Recently authenticated credentials, so that most requests are
/// authorised from memory. An entry lives `ttl` (1 s by default), which
/// bounds how long a revoked key keeps working. Only successes are cached,
/// keyed by the credential as sent (compared exactly; it stays in this
/// process's memory no longer than the request that carried it would).
final class PrincipalCache: Sendable {
    private struct Entry {
        var principal: Principal
        var expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let ttl: Duration
    private let capacity: Int

    init(ttl: Duration = .seconds(1), capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func principal(for credential: String) -> Principal? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[credential] else { return nil }
            guard entry.expires > now else {
                entries[credential] = nil
                return nil
            }
            return entry.principal
        }
    }

    func remember(_ principal: Principal, for credential: String) {
        let expires = ContinuousClock.now + ttl
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[credential] = Entry(principal: principal, expires: expires)
        }
    }

    func removeAll() { entries.withLock { $0.removeAll() } }
}
