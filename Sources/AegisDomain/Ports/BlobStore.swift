import Foundation

/// Content-addressed file storage (evidence). Blobs are immutable and named
/// by their SHA-256; putting the same content twice stores it once.
public protocol BlobStore: Sendable {
    /// Moves a finished file into the store under `sha256` (verified by the
    /// caller); returns false if it was already there.
    @discardableResult
    func put(file: URL, sha256: String) throws -> Bool
    func put(data: Data, sha256: String) throws
    func size(sha256: String) throws -> Int64?
    func read(sha256: String, offset: Int64, length: Int) throws -> Data
    func remove(sha256: String) throws
}
