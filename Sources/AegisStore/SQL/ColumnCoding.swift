import AegisDomain
import Foundation

/// Timestamps are stored as microseconds since 1970 (UTC), the same in
/// SQLite and PostgreSQL.
enum StoreTime {
    /// Clamped to what 64-bit microseconds hold (about ±292,000 years), so
    /// no date a client sends can trap the conversion.
    static func micros(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1_000_000).rounded()
        guard value.isFinite else { return 0 }
        return Int64(max(-9.2e18, min(9.2e18, value)))
    }
    /// Clamped into `TimestampRange`: whatever an older daemon stored reads
    /// as a time every client can decode.
    static func date(_ micros: Int64) -> Date {
        TimestampRange.clamped(Date(timeIntervalSince1970: Double(micros) / 1_000_000))
    }
    static func value(_ date: Date?) -> SQLValue { date.map { .int(micros($0)) } ?? .null }
}

/// Lists of short strings (ids, tactic shortnames, platforms, aliases) are
/// stored in one text column, separated by U+001F (unit separator), which
/// the catalog's strings never contain (control characters are dropped).
enum StringList {
    static let separator: Character = "\u{1F}"

    static func encode(_ items: [String]) -> String {
        items.map { $0.filter { !($0.asciiValue.map { $0 < 0x20 } ?? false) } }.joined(separator: String(separator))
    }

    static func decode(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}
