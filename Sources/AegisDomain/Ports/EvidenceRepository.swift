/// Evidence metadata; content is in the `BlobStore`.
public protocol EvidenceRepository {
    func insert(_ evidence: Evidence) throws
    func evidence(id: String) throws -> Evidence?
    /// One page of a test's evidence ordered by `uploadedAt`, then `id`;
    /// only `side`'s when it is given.
    func evidence(testID: String, side: TeamSide?, page: PageRequest) throws -> Page<Evidence>
    func delete(id: String) throws
    /// How many evidence rows still point at a blob.
    func references(sha256: String) throws -> Int
}
