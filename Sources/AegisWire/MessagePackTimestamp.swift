#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The exact content of a MessagePack timestamp (extension type -1): seconds
/// since 1970-01-01T00:00:00Z and nanoseconds.
///
/// `Date` is a `Double` of seconds since 2001, so at present-day times it
/// resolves about 0.1 µs: converting a timestamp with arbitrary nanoseconds to
/// `Date` rounds to the nearest representable instant, and converting a
/// `Date` back rounds to the microsecond (finer digits would be noise).
public struct MessagePackTimestamp: Sendable, Hashable, CustomStringConvertible {
    /// Seconds since the Unix epoch; negative before 1970.
    public var seconds: Int64
    /// Nanoseconds, always in `0..<1_000_000_000`.
    public private(set) var nanoseconds: UInt32

    static let epochOffset: Int64 = 978_307_200  // 1970 → 2001, in seconds

    /// Nil when `nanoseconds` is not below one billion.
    public init?(seconds: Int64, nanoseconds: UInt32) {
        guard nanoseconds < 1_000_000_000 else { return nil }
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// The timestamp of `date`, rounded to the microsecond: a `Date` is a
    /// `Double`, so finer digits are floating-point noise (`.188` would
    /// otherwise be sent as `.187999964`). Non-finite or out-of-range dates
    /// clamp to the `Int64` second range (NaN becomes the epoch).
    public init(_ date: Date) {
        let ref = date.timeIntervalSinceReferenceDate
        guard !ref.isNaN else { self.seconds = 0; self.nanoseconds = 0; return }
        var whole = ref.rounded(.down)
        let limit = 9.2e18  // comfortably inside Int64 after adding the epoch offset
        if whole >= limit { seconds = Int64.max; nanoseconds = 0; return }
        if whole <= -limit { seconds = Int64.min; nanoseconds = 0; return }
        var nanos = ((ref - whole) * 1e6).rounded() * 1000
        if nanos >= 1e9 { whole += 1; nanos = 0 }
        seconds = Int64(whole) + Self.epochOffset
        nanoseconds = UInt32(nanos)
    }

    /// True when `date` is finite and within the range a timestamp can hold.
    public static func canRepresent(_ date: Date) -> Bool {
        let ref = date.timeIntervalSinceReferenceDate
        return ref.isFinite && abs(ref) < 9.2e18
    }

    /// The nearest `Date`.
    public var date: Date {
        let (diff, overflow) = seconds.subtractingReportingOverflow(Self.epochOffset)
        let base = overflow ? Double(seconds) - Double(Self.epochOffset) : Double(diff)
        return Date(timeIntervalSinceReferenceDate: base + Double(nanoseconds) / 1e9)
    }

    /// RFC 3339 with nine fractional digits, e.g. `2026-01-02T03:04:05.123456789Z`
    /// (years outside 0...9999 print as `<seconds>s+<nanoseconds>ns`).
    public var description: String {
        let days = seconds >= 0 ? seconds / 86_400 : -((-(seconds + 1)) / 86_400) - 1
        let secOfDay = seconds - days * 86_400
        let (y, m, d) = Self.civil(fromDays: days)
        guard (0...9999).contains(y) else { return "\(seconds)s+\(nanoseconds)ns" }
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secOfDay / 3600, 2)):\(pad(secOfDay / 60 % 60, 2)):"
            + "\(pad(secOfDay % 60, 2)).\(pad(Int64(nanoseconds), 9))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (UTC only, up to nine fractional digits).
    public init?(rfc3339 text: String) {
        let u = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int64? {
            guard from + len <= u.count else { return nil }
            var v: Int64 = 0
            for c in u[from..<from + len] {
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard u.count >= 20, u[4] == 45, u[7] == 45, u[10] == 84 || u[10] == 116, u[13] == 58, u[16] == 58,
            u.last == 90 || u.last == 122,
            let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
            let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
            (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 60
        else { return nil }
        var nanos: Int64 = 0
        if u.count > 20 {
            let digits = u.count - 21
            guard u[19] == 46, (1...9).contains(digits), let f = num(20, digits) else { return nil }
            nanos = f
            for _ in digits..<9 { nanos *= 10 }
        } else if u.count != 20 {
            return nil
        }
        let days = Self.days(fromCivil: y, mo, d)
        self.seconds = days * 86_400 + h * 3600 + mi * 60 + s
        self.nanoseconds = UInt32(nanos)
    }

    // Howard Hinnant's civil-from-days and days-from-civil algorithms.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
