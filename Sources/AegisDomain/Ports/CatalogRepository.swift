import Foundation

/// The ATT&CK catalog's storage port.
public protocol CatalogRepository {
    func technique(id: String) throws -> Technique?
    func techniques(matching query: TechniqueQuery) throws -> Page<Technique>
    /// Tactics in matrix order; all domains when `domain` is nil.
    func tactics(domain: String?) throws -> [Tactic]
    func tactic(id: String) throws -> Tactic?
    func actor(id: String) throws -> ThreatActor?
    func actors(matching query: ActorQuery) throws -> Page<ThreatActor>
    func mitigation(id: String) throws -> Mitigation?
    func status() throws -> CatalogStatus
    /// ATT&CK ids of the techniques and actors already held, by STIX id: how
    /// an import resolves a `revoked-by` that points outside its own files.
    func attackIDsByStixID() throws -> [String: String]
    /// Writes `bundle` as the current content of its domain: objects are
    /// upserted by ATT&CK id, the domain's links replaced. Idempotent.
    func importBundle(_ bundle: CatalogBundle, at time: Date) throws -> CatalogImportSummary.DomainChanges
}

/// API keys' storage port. Secrets are never stored, only their hashes.
public protocol APIKeyRepository {
    func insert(_ key: APIKey, secretHash: String) throws
    /// The key whose secret hashes to `secretHash`.
    func find(secretHash: String) throws -> APIKey?
    func count() throws -> Int
    /// Ordered by creation.
    func keys(page: PageRequest) throws -> Page<APIKey>
    func key(id: String) throws -> APIKey?
    func revoke(id: String, at: Date) throws
}

/// The event outbox: appended in the mutation's transaction, read by the
/// publisher and by `events.replay`.
public protocol EventRepository {
    /// Appends an event; it gets its `seq` when the transaction commits.
    func append(_ event: DomainEvent, source: String, at time: Date) throws
    /// Events with `seq > after`, ascending, at most `limit`.
    func events(after: Int64, limit: Int) throws -> [StoredEvent]
    /// The highest `seq` committed, 0 when none.
    func lastSeq() throws -> Int64
    /// The highest `seq` the publisher of `instance` has sent, 0 when none.
    func publishedSeq(instance: String) throws -> Int64
    /// Records that `instance` has sent every event up to `seq`.
    func recordPublished(instance: String, seq: Int64) throws
}
