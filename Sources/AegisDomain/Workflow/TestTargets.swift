import Foundation

/// Where a test runs: host names (`web01`, `web01.corp.example`), IP
/// addresses, or Caldera agent ids (paws). A short, bounded list per test.
///
/// A target is 1 to 255 ASCII letters, digits, `-`, `_`, `.` and `:`, not
/// starting or ending with `.` or `-`, without an empty label (`..`).
/// Targets compare case-insensitively, and a bare host name (`web01`)
/// matches the same host with any domain suffix (`web01.corp.example`).
public enum TestTargets {
    /// The most targets one test may name.
    public static let maxCount = 32
    /// The longest target, in bytes (a DNS name's limit).
    public static let maxLength = 255

    /// `values` trimmed and checked, with case-insensitive duplicates
    /// dropped (the first spelling stays), in the order given. Errors name
    /// `field` (`targets`) or `field[i]`.
    public static func validate(_ values: [String], field: String) throws(AegisError) -> [String] {
        guard values.count <= maxCount else {
            throw AegisError.invalidArgument(field, "\(field) holds more than \(maxCount) targets")
        }
        var seen: Set<String> = []
        var out: [String] = []
        for (i, value) in values.enumerated() {
            let target = try validate(value, field: "\(field)[\(i)]")
            if seen.insert(nameKey(target)).inserted { out.append(target) }
        }
        return out
    }

    /// One target, trimmed and checked; errors name `field`.
    public static func validate(_ value: String, field: String) throws(AegisError) -> String {
        let target = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !target.isEmpty else { throw AegisError.invalidArgument(field, "\(field) must not be empty") }
        guard target.utf8.count <= maxLength else {
            throw AegisError.invalidArgument(field, "\(field) is longer than \(maxLength) bytes")
        }
        guard target.utf8.allSatisfy(isAllowed) else {
            throw AegisError.invalidArgument(
                field, "\(field) must be a host name, an address or an agent id: letters, digits, '-', '_', '.', ':'")
        }
        let edges: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "-")]
        guard let first = target.utf8.first, let last = target.utf8.last, !edges.contains(first), !edges.contains(last),
            !target.contains("..")
        else {
            throw AegisError.invalidArgument(field, "\(field) must not start or end with '.' or '-', nor hold '..'")
        }
        return target
    }

    /// The whole target, lower-cased: equal keys name the same target.
    public static func nameKey(_ target: String) -> String {
        String(decoding: target.utf8.map(lower), as: UTF8.self)
    }

    /// The host part, lower-cased: the first label of a host name
    /// (`web01` for `WEB01.corp.example`); the whole target for an address
    /// (IPv4 or IPv6) or a name without a domain suffix.
    public static func hostKey(_ target: String) -> String {
        let key = nameKey(target)
        if isAddress(key) { return key }
        return key.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? key
    }

    /// Whether the target has no domain suffix (its host key is all of it).
    public static func isBare(_ target: String) -> Bool { hostKey(target) == nameKey(target) }

    /// Whether a test target matches a filter: the same name ignoring case,
    /// or one of the two is bare and their host parts are equal.
    public static func matches(_ target: String, filter: String) -> Bool {
        if nameKey(target) == nameKey(filter) { return true }
        guard isBare(target) || isBare(filter) else { return false }
        return hostKey(target) == hostKey(filter)
    }

    private static func isAddress(_ key: String) -> Bool {
        key.contains(":") || key.utf8.allSatisfy { $0 == UInt8(ascii: ".") || ($0 >= 0x30 && $0 <= 0x39) }
    }

    private static func isAllowed(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"): true
        default: false
        }
    }

    private static func lower(_ c: UInt8) -> UInt8 {
        c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c | 0x20 : c
    }
}
