import Foundation

/// Countermeasures (D3FEND defensive techniques), their links to ATT&CK
/// techniques, and the sources that sync them.
public protocol CountermeasureRepository {
    /// Makes syncs take turns, whatever their source, so each sees the
    /// others' committed sets (a no-op where one writer runs at a time).
    func lockSyncs() throws
    /// The source's countermeasures and links as stored.
    func stored(source: String) throws -> StoredCountermeasures
    /// Of `ids`, those another source than `source` holds, with that source.
    func owners(of ids: [String], except source: String) throws -> [String: String]
    /// Replaces the source's set: `changes` upserted and removed, `links`
    /// (all of the source's) written when they changed, the version recorded.
    func apply(
        _ changes: CountermeasureChanges, links: [CountermeasureLink], source: String, version: String, at: Date,
        by: String?) throws
    /// Every technique of the catalog, with the successor of those revoked.
    func techniqueLineage() throws -> [String: TechniqueLineage]

    func countermeasure(id: String) throws -> CountermeasureDetail?
    /// By id.
    func countermeasures(matching query: CountermeasureQuery) throws -> Page<Countermeasure>
    /// Those linked to `techniqueID`.
    func countermeasures(addressing techniqueID: String) throws -> [CountermeasureRef]
    /// The ids linked to each of `techniqueIDs`, sorted.
    func countermeasureIDs(addressing techniqueIDs: Set<String>) throws -> [String: [String]]
}

/// A technique as the catalog records it, for following revocations.
public struct TechniqueLineage: Sendable, Equatable {
    public var revoked: Bool
    /// The successor of a revoked technique, when the catalog knows it.
    public var revokedBy: String?

    public init(revoked: Bool, revokedBy: String? = nil) {
        self.revoked = revoked
        self.revokedBy = revokedBy
    }
}
