import CSodium
import Foundation

/// SHA-256 over bytes fed a piece at a time (libsodium), so a file of any
/// size is hashed in constant memory. Call `sodium_init` first.
struct SHA256Stream {
    private var state = crypto_hash_sha256_state()
    /// Bytes fed so far.
    private(set) var bytes: Int64 = 0

    init() { crypto_hash_sha256_init(&state) }

    /// Feeds `data`.
    mutating func update(_ data: Data) {
        guard !data.isEmpty else { return }
        data.withUnsafeBytes { raw in
            _ = crypto_hash_sha256_update(&state, raw.bindMemory(to: UInt8.self).baseAddress, UInt64(raw.count))
        }
        bytes += Int64(data.count)
    }

    /// The digest, 64 lowercase hex digits (a blob's name).
    mutating func finish() -> String {
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        crypto_hash_sha256_final(&state, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Bytes read from a file per step.
    static let pieceBytes = 1 << 20

    /// The digest and size of the file at `url`, read a piece at a time.
    static func file(at url: URL) throws -> (sha256: String, size: Int64) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var stream = SHA256Stream()
        while let piece = try handle.read(upToCount: pieceBytes), !piece.isEmpty {
            stream.update(piece)
        }
        return (stream.finish(), stream.bytes)
    }
}
