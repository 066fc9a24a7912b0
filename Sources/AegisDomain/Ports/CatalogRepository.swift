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
