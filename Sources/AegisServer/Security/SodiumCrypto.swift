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

    /// Argon2id with libsodium's interactive operations limit and 19 MiB of
    /// memory (the OWASP baseline): tens of milliseconds per check.
    static let passwordOpsLimit = UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE)
    static let passwordMemLimit = 19 << 20

    public func hashPassword(_ password: String) throws -> String {
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        // A trailing NUL keeps the buffer non-empty; it is not hashed.
        let chars = password.utf8.map { CChar(bitPattern: $0) } + [0]
        let rc = chars.withUnsafeBufferPointer { p in
            crypto_pwhash_str_alg(
                &out, p.baseAddress!, UInt64(p.count - 1), Self.passwordOpsLimit, Self.passwordMemLimit,  // allowed: never empty
                crypto_pwhash_ALG_ARGON2ID13)
        }
        guard rc == 0 else { throw SodiumError.outOfMemory }
        let bytes = out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func verifyPassword(_ password: String, hash: String) -> Bool {
        guard !hash.isEmpty, hash.utf8.count < Int(crypto_pwhash_STRBYTES) else { return false }
        let chars = password.utf8.map { CChar(bitPattern: $0) } + [0]
        return chars.withUnsafeBufferPointer { p in
            crypto_pwhash_str_verify(hash, p.baseAddress!, UInt64(p.count - 1)) == 0  // allowed: never empty
        }
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
    case outOfMemory

    public var description: String {
        switch self {
        case .initialisationFailed: "libsodium could not be initialised"
        case .outOfMemory: "not enough memory to hash a password"
        }
    }
}
