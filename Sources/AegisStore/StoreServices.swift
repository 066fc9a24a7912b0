import AegisDomain
import AegisRuntime

/// A store whose background threads (writers, checkpointer, listener,
/// leader election) the daemon runs as services: they start when the store
/// opens, and the daemon's service group stops them, after everything that
/// writes, before the store closes.
public protocol StoreServices: StoreProvider {
    /// In start order.
    var services: [ThreadService] { get }
}

extension SQLiteStore: StoreServices {
    public var services: [ThreadService] { [writer.service, checkpointer.service] }
}

extension PostgresStore: StoreServices {
    public var services: [ThreadService] { writers.writers.map(\.service) + [listener.service, election.service] }
}
