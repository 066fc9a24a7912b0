import Foundation

/// The times Aegis accepts and emits: from 1970-01-01T00:00:00Z up to, not
/// including, 10000-01-01T00:00:00Z. Every timestamp parameter is checked
/// against it where params are decoded; times read back from the store are
/// clamped into it, so a value an older daemon stored still reads.
public enum TimestampRange {
    /// 1970-01-01T00:00:00Z.
    public static let earliest = Date(timeIntervalSince1970: 0)
    /// 10000-01-01T00:00:00Z, the first time outside the range.
    public static let end = Date(timeIntervalSince1970: 253_402_300_800)
    /// The last `Date` before `end` (within a few microseconds of it).
    public static let latest = Date(timeIntervalSinceReferenceDate: end.timeIntervalSinceReferenceDate.nextDown)

    /// `earliest...latest`.
    public static let dates = earliest...latest

    /// How the range reads in messages and documentation.
    public static let description = "from 1970-01-01 to 9999-12-31 (UTC)"

    /// `date`, or the nearest end of the range when it lies outside (the
    /// epoch for NaN).
    public static func clamped(_ date: Date) -> Date {
        let seconds = date.timeIntervalSinceReferenceDate
        if seconds.isNaN || date < earliest { return earliest }
        return date > latest ? latest : date
    }
}
