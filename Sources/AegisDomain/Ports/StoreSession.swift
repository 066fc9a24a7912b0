/// The repositories of one unit of work, bound to one connection.
public protocol Repositories {
    var catalog: any CatalogRepository { get }
    var apiKeys: any APIKeyRepository { get }
    var events: any EventRepository { get }
    var users: any UserRepository { get }
    var tests: any TestRepository { get }
    var templates: any TemplateRepository { get }
    var evidence: any EvidenceRepository { get }
    var audit: any AuditRepository { get }
    var notifications: any NotificationRepository { get }
    var scores: any ScoreRepository { get }
    var snapshots: any SnapshotRepository { get }
    var reports: any ReportRepository { get }
    var compliance: any ComplianceRepository { get }
    var countermeasures: any CountermeasureRepository { get }
    var rules: any RuleRepository { get }
    var telemetry: any TelemetryRepository { get }
    var detections: any DetectionRepository { get }
}

/// A worker's handle on the store: runs units of work on the worker's own
/// connection. Not shared between threads.
public protocol StoreSession: AnyObject {
    /// Runs `body` in a read-only transaction.
    func read<T>(_ body: (any Repositories) throws -> T) throws -> T
    /// Runs `body` in one write transaction: committed when `body` returns,
    /// rolled back when it throws. Events appended inside are published
    /// after the commit.
    func write<T>(_ body: (any Repositories) throws -> T) throws -> T
}

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
