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

    /// A new identifier: `prefix`, then 32 hex digits: 12 of the
    /// milliseconds since 1970 and 20 random (80 bits). Identifiers made
    /// later sort after earlier ones, so the indexes on them grow at one end
    /// instead of touching a random page per insert. Not a secret: tokens
    /// and keys come from `newSecret`.
    public func newID(prefix: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = Array(prefix.utf8)
        out.reserveCapacity(out.count + 32)
        out += TimeOrderedID.timePart(Date()).utf8
        for b in randomBytes(10) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The time part of `newID`'s identifiers, so a store can cut a table of
/// them at an instant (the telemetry purge).
public enum TimeOrderedID {
    /// 12 hex digits of the milliseconds since 1970 (0 before it).
    public static func timePart(_ date: Date) -> String {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let hex = String(millis & 0xFFFF_FFFF_FFFF, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }
}
