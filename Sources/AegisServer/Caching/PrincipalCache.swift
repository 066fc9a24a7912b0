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

    private struct State {
        var generation: UInt64 = 0
        var entries: [String: Entry] = [:]
    }

    private let state = Mutex(State())
    private let ttl: Duration
    private let capacity: Int

    init(ttl: Duration = .seconds(1), capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    /// Read before checking credentials in the store, passed to `remember`.
    var generation: UInt64 { state.withLock { $0.generation } }

    func principal(for credential: String) -> Principal? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let entry = state.entries[credential] else { return nil }
            guard entry.expires > now else {
                state.entries[credential] = nil
                return nil
            }
            return entry.principal
        }
    }

    /// Remembers `principal` unless credentials changed since `generation`
    /// was read (a check that raced with a revocation is not kept).
    func remember(_ principal: Principal, for credential: String, checkedAt generation: UInt64) {
        let expires = ContinuousClock.now + ttl
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[credential] = Entry(principal: principal, expires: expires)
        }
    }

    func removeAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
        }
    }

    /// Events after which cached principals may be wrong: a user disabled
    /// or changed, a key revoked, a session ended.
    static let invalidatingEvents: Set<EventType> = [
        .userDisabled, .userUpdated, .userPasswordChanged, .apiKeyRevoked, .authLoggedOut,
    ]
}
