import AegisWire
import Foundation
import Synchronization

/// Results of methods that depend only on the ATT&CK catalog and their
/// params (`technique.get`...), kept until the catalog changes.
///
/// Every catalog import, here or (later) on another instance, advances
/// `generation` and empties the cache. A result is stored with the
/// generation read *before* its store query, so a result computed while an
/// import committed is never served afterwards.
final class CatalogResultCache: Sendable {
    private struct State {
        var generation: UInt64 = 0
        /// Encoded results (MessagePack bytes), ready to splice into a reply.
        var results: [Key: Data] = [:]
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 20_000) { self.capacity = capacity }

    var generation: UInt64 { state.withLock { $0.generation } }

    /// The cache key of a call: method and params (in any key order).
    struct Key: Hashable, Sendable {
        var method: String
        var params: MessagePackMap
    }

    static func key(method: String, params: MessagePackMap) -> Key { Key(method: method, params: params) }

    func result(for key: Key) -> Data? {
        state.withLock { $0.results[key] }
    }

    func store(_ result: Data, for key: Key, computedAt generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.results.count >= capacity { state.results.removeAll(keepingCapacity: true) }
            state.results[key] = result
        }
    }

    /// The catalog changed: forget everything.
    func invalidate() {
        state.withLock { state in
            state.generation &+= 1
            state.results.removeAll()
        }
    }
}
