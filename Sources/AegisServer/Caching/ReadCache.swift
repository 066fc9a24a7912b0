import AegisWire
import Foundation
import Synchronization

/// Encoded results of read methods whose answer depends only on the store
/// and their params (`technique.get`...), kept until the next committed
/// change.
///
/// Every commit that announces events (an import, and later any mutation)
/// advances `generation` and empties the cache before its events are
/// published, so a client reacting to an event never reads the state before
/// it. A result is stored with the generation read *before* its store
/// query: one computed while a commit landed is never served afterwards.
/// Bounded in bytes; results larger than `maxEntryBytes` are not kept.
final class ReadCache: Sendable {
    private struct State {
        var generation: UInt64 = 0
        /// Encoded results (MessagePack bytes), ready to splice into a
        /// reply, and when they were stored.
        var results: [Data: (result: Data, storedAt: ContinuousClock.Instant)] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    let byteBudget: Int
    let maxEntryBytes: Int

    init(byteBudget: Int = 32 << 20, maxEntryBytes: Int = 1 << 20) {
        self.byteBudget = byteBudget
        self.maxEntryBytes = maxEntryBytes
    }

    var generation: UInt64 { state.withLock { $0.generation } }

    /// The cache key of a call: the method and the params' bytes (so two
    /// strings equal to Swift but not to the store never share an entry).
    static func key(method: String, params: MessagePackMap) -> Data {
        MessagePack.encode(.array([.string(method), .map(params)]))
    }

    /// The result stored for `key`, unless older than `maxAge`.
    func result(for key: Data, maxAge: Duration? = nil) -> Data? {
        state.withLock { state in
            guard let entry = state.results[key] else { return nil }
            if let maxAge, ContinuousClock.now - entry.storedAt > maxAge { return nil }
            return entry.result
        }
    }

    func store(_ result: Data, for key: Data, computedAt generation: UInt64) {
        let size = result.count + key.count
        guard size <= maxEntryBytes else { return }
        state.withLock { state in
            if let old = state.results[key] {
                // Replaced only when it aged out.
                state.bytes -= old.result.count + key.count
                state.results[key] = nil
            }
            guard state.generation == generation else { return }
            if state.bytes + size > byteBudget {
                state.results.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            state.results[key] = (result, ContinuousClock.now)
            state.bytes += size
        }
    }

    /// Something changed: forget everything.
    func invalidate() {
        state.withLock { state in
            state.generation &+= 1
            state.results.removeAll()
            state.bytes = 0
        }
    }
}
