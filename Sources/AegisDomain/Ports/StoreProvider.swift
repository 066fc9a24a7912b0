/// Opens sessions; shared by all workers.
public protocol StoreProvider: Sendable {
    /// `sqlite` or `postgresql`.
    var kind: String { get }
    func openSession() throws -> any StoreSession
    /// Finishes pending writes and releases the store's threads.
    func close()
    /// Runs `body` while no other instance sharing this store runs its own
    /// `exclusively` body (first-start work: the admin key, the catalog).
    func exclusively<T>(_ body: () throws -> T) throws -> T
    /// Whether this instance is the deployment's leader, the one that runs
    /// scheduled jobs. At most one instance is leader at a time.
    var isLeader: Bool { get }
}

extension StoreProvider {
    /// A store only this process opens: it leads.
    public var isLeader: Bool { true }

    /// A store only this process opens needs no lock.
    public func exclusively<T>(_ body: () throws -> T) throws -> T { try body() }
}
