import CSodium
import Foundation

/// SHA-256 over a table's rows, computed the same way from SQLite and from
/// PostgreSQL. Each value is encoded as a type tag, its length (8 bytes,
/// big-endian) and its bytes: integers in decimal, doubles as Swift's
/// shortest text that reads back exactly, text as UTF-8, blobs raw, NULL
/// empty. Booleans are integers 0/1 on both sides. The row count is kept
/// alongside.
struct TableChecksum {
    private var state = crypto_hash_sha256_state()
    private var buffer: [UInt8] = []
    private(set) var rows = 0

    init() {
        crypto_hash_sha256_init(&state)
        buffer.reserveCapacity(1 << 16)
    }

    /// Adds one row's values, in column order.
    mutating func add(_ values: [SQLValue]) {
        for value in values {
            switch value {
            case .null: append(tag: "N", EmptyCollection<UInt8>())
            case .int(let v): append(tag: "I", String(v).utf8)
            case .double(let v): append(tag: "D", "\(v)".utf8)
            case .text(let v): append(tag: "T", v.utf8)
            case .blob(let v): append(tag: "B", v)
            }
        }
        rows += 1
        if buffer.count >= 1 << 16 { flush() }
    }

    /// The digest, hex.
    mutating func finish() -> String {
        flush()
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        crypto_hash_sha256_final(&state, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    private mutating func append(tag: Unicode.Scalar, _ bytes: some Collection<UInt8>) {
        buffer.append(UInt8(ascii: tag))
        withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { buffer += $0 }
        buffer += bytes
    }

    private mutating func flush() {
        _ = crypto_hash_sha256_update(&state, buffer, UInt64(buffer.count))
        buffer.removeAll(keepingCapacity: true)
    }
}
