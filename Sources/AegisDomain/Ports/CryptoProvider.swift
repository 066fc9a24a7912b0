import Foundation

/// Hashing and randomness, provided by libsodium in the daemon.
public protocol CryptoProvider: Sendable {
    /// SHA-256 of `data`, lower-case hex.
    func sha256Hex(_ data: Data) -> String
    /// `count` cryptographically random bytes.
    func randomBytes(_ count: Int) -> [UInt8]
    /// A salted, slow hash of `password` (Argon2id), self-describing.
    func hashPassword(_ password: String) throws -> String
    /// Whether `password` matches `hash`. Takes as long for a wrong password
    /// as for a right one.
    func verifyPassword(_ password: String, hash: String) -> Bool
}

extension CryptoProvider {
    /// A random secret token: `prefix` then 32 random bytes, base64url.
    public func newSecret(prefix: String) -> String {
        prefix + Data(randomBytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A random identifier: `prefix` then 16 random bytes, hex.
    public func newID(prefix: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = Array(prefix.utf8)
        out.reserveCapacity(out.count + 32)
        for b in randomBytes(16) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
