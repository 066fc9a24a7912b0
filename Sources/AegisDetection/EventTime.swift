import AegisDomain
import Foundation

/// Timestamps as events write them: ISO 8601 with `T` or a space, optional
/// fraction (any digits), `Z`, an offset or nothing (UTC); epoch seconds or
/// milliseconds as numbers.
enum EventTime {
    static func of(_ fields: [String: Value]) -> Date? {
        for name in EventFieldNames.time {
            if let value = fields[name], let date = parse(value) { return date }
        }
        return nil
    }

    static func parse(_ value: Value) -> Date? {
        switch value {
        case .timestamp(let date): return date
        case .int(let i): return epoch(Double(i))
        case .double(let d): return epoch(d)
        case .string(let s): return parse(s)
        case .array(let items): return items.first.flatMap(parse)
        default: return nil
        }
    }

    private static func epoch(_ n: Double) -> Date? {
        guard n.isFinite, n > 0 else { return nil }
        return Date(timeIntervalSince1970: n > 1e11 ? n / 1000 : n)
    }

    /// Parses `YYYY-MM-DD[T ]hh:mm[:ss[.fff]][Z|±hh[:]mm]`, or a date alone.
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8.prefix(64))
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= b.count else { return nil }
            var n = 0
            for k in 0..<digits {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                n = n * 10 + Int(c - 48)
            }
            i += digits
            return n
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year, month, day)) * 86_400
        if i == b.count { return Date(timeIntervalSince1970: seconds) }
        guard b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }  // T t space
        i += 1
        guard let hour = number(2), expect(58), let minute = number(2), hour < 24, minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if expect(58) {
            guard let second = number(2), second <= 60 else { return nil }
            seconds += Double(second)
            if i < b.count, b[i] == 46 || b[i] == 44 {  // . ,
                i += 1
                var scale = 0.1
                while i < b.count, b[i] >= 48 && b[i] <= 57 {
                    seconds += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
            }
        }
        if i == b.count || expect(90) || expect(122) { return i == b.count ? Date(timeIntervalSince1970: seconds) : nil }
        guard b[i] == 43 || b[i] == 45 else { return nil }
        let sign: Double = b[i] == 43 ? 1 : -1
        i += 1
        guard let oh = number(2) else { return nil }
        _ = expect(58)
        let om = number(2) ?? 0
        guard i == b.count else { return nil }
        return Date(timeIntervalSince1970: seconds - sign * Double(oh * 3600 + om * 60))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func iso8601(_ date: Date) -> String {
        let c = components(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour, c.minute, c.second)
    }

    struct Parts { var year, month, day, hour, minute, second, isoWeek: Int }

    /// UTC calendar parts of a date, with its ISO 8601 week number.
    static func components(_ date: Date) -> Parts {
        // Clamped first: a client's timestamp may lie anywhere in 64 bits.
        let total = Int(floor(TimestampRange.clamped(date).timeIntervalSince1970))
        let days = Int(floor(Double(total) / 86_400))
        let secs = total - days * 86_400
        let (y, m, d) = civilFromDays(days)
        // ISO week: the week (Monday first) holding the year's first Thursday is week 1.
        let weekday = ((days % 7) + 7 + 3) % 7  // 0 = Monday (1970-01-01 was a Thursday)
        let thursday = days - weekday + 3
        let (ty, _, _) = civilFromDays(thursday)
        let week = (thursday - daysFromCivil(ty, 1, 1)) / 7 + 1
        return Parts(year: y, month: m, day: d, hour: secs / 3600, minute: secs % 3600 / 60, second: secs % 60, isoWeek: week)
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
