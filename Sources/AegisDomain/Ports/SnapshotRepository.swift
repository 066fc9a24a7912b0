import Foundation

/// Coverage snapshots.
public protocol SnapshotRepository {
    func insert(_ snapshot: Snapshot, techniques: [TechniqueScoreLine]) throws
    func snapshot(id: String) throws -> Snapshot?
    /// Newest first.
    func snapshots(page: PageRequest) throws -> Page<Snapshot>
    /// The snapshot's techniques, by id.
    func techniques(snapshotID: String) throws -> [TechniqueScoreLine]
}
