import Foundation

/// Parses STIX timestamps (`2017-05-31T21:30:18.931Z`, RFC 3339 in UTC)
/// without a formatter: fast, allocation-free and thread-safe.
enum StixDate {
    static func parse(_ text: String) -> Date? {
        var utf8 = text.utf8[...]
        func number(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let c = utf8.first, c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
                utf8 = utf8.dropFirst()
            }
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard utf8.first == c else { return false }
            utf8 = utf8.dropFirst()
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            expect(84), let hour = number(2), expect(58), let minute = number(2), expect(58),
            let second = number(2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        // Fractional seconds, to the microsecond (what the store keeps).
        var micros = 0
        if expect(46) {
            var digits = 0
            while let c = utf8.first, c >= 48, c <= 57 {
                if digits < 6 {
                    micros = micros * 10 + Int(c - 48)
                    digits += 1
                }
                utf8 = utf8.dropFirst()
            }
            for _ in digits..<6 { micros *= 10 }
        }
        guard expect(90), utf8.isEmpty else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
