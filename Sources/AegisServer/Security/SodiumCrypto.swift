import AegisDomain
import CSodium
import Foundation

/// `CryptoProvider` backed by libsodium.
public struct SodiumCrypto: CryptoProvider {
    /// Initialises libsodium; fails only if the system has no entropy source.
    public init() throws {
        guard sodium_init() >= 0 else { throw SodiumError.initialisationFailed }
    }

    public func sha256Hex(_ data: Data) -> String {
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        data.withUnsafeBytes { bytes in
            _ = crypto_hash_sha256(&digest, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
        }
        return Self.hex(digest)
    }

    public func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

public enum SodiumError: Error, CustomStringConvertible {
    case initialisationFailed
    public var description: String { "libsodium could not be initialised" }
}
