import Foundation

/// Copies checked evidence files into the target's `blobs` and
/// `blob_chunks` (through `PostgresBlobStore`, a chunk at a time, leaving
/// the files in place), then reads each back in pieces to verify it.
struct BlobCopy {
    let store: PostgresBlobStore

    /// Bytes read back per step when verifying.
    static let verifyPieceBytes = 4 << 20

    /// One connection to `url`. Its statement timeout (30 s) is ample:
    /// each statement moves one chunk (1 MiB) or one verify piece.
    init(url: String) {
        store = PostgresBlobStore(url: url, connections: 1)
    }

    /// Stores every blob of `evidence`; `copied` runs after each with the
    /// count and bytes so far. Throws `StoreCopyError.blobCopyFailed`.
    func copy(_ evidence: EvidenceBlobs, copied: (Int, Int64) -> Void) throws {
        var bytes: Int64 = 0
        for (index, blob) in evidence.blobs.enumerated() {
            do {
                try store.put(copyOf: evidence.file(blob.sha256), sha256: blob.sha256)
            } catch {
                throw StoreCopyError.blobCopyFailed(sha256: blob.sha256, underlying: error)
            }
            bytes += blob.size
            copied(index + 1, bytes)
        }
    }

    /// Checks that each blob of `evidence` is stored with the file's size
    /// and that its stored content hashes to its name. Throws
    /// `StoreCopyError.blobVerificationFailed` naming those that do not.
    func verify(_ evidence: EvidenceBlobs, verified: (Int, Int64) -> Void) throws {
        var bad: [String] = []
        var bytes: Int64 = 0
        for (index, blob) in evidence.blobs.enumerated() {
            do {
                if try !matches(blob) { bad.append(blob.sha256) }
            } catch {
                throw StoreCopyError.blobCopyFailed(sha256: blob.sha256, underlying: error)
            }
            bytes += blob.size
            verified(index + 1, bytes)
        }
        guard bad.isEmpty else { throw StoreCopyError.blobVerificationFailed(sha256s: bad) }
    }

    /// Whether `blob` is stored with its size and content.
    private func matches(_ blob: EvidenceBlobs.Blob) throws -> Bool {
        guard try store.size(sha256: blob.sha256) == blob.size else { return false }
        var stream = SHA256Stream()
        while stream.bytes < blob.size {
            let piece = try store.read(sha256: blob.sha256, offset: stream.bytes, length: Self.verifyPieceBytes)
            guard !piece.isEmpty else { return false }
            stream.update(piece)
        }
        return stream.bytes == blob.size && stream.finish() == blob.sha256
    }
}
