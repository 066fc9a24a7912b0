import Foundation

/// Serializes, per content hash, storing a blob with recording the evidence
/// that points at it, against deleting the last evidence and removing the
/// blob. Without it a delete could remove a file that an upload of the
/// same content had just found in place and was about to reference.
/// Striped: hashes share a fixed set of locks.
final class BlobLocks: Sendable {
    /// One per process: every daemon's blob store is its own directory, so
    /// sharing only costs the rare wait between unrelated hashes.
    static let shared = BlobLocks(stripes: 64)

    private let locks: [NSLock]

    init(stripes: Int) { locks = (0..<max(1, stripes)).map { _ in NSLock() } }

    /// Runs `body` holding the lock of `sha256`.
    func withLock<T>(_ sha256: String, _ body: () throws -> T) rethrows -> T {
        var hasher = Hasher()
        hasher.combine(sha256)
        let lock = locks[Int(UInt(bitPattern: hasher.finalize()) % UInt(locks.count))]
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
