extension NavigatorLayer {
    /// The gradient's color for `score`, as `#rrggbb`: linear interpolation
    /// between the two neighbouring colors, which sit evenly spaced from
    /// `minValue` to `maxValue`; scores outside the range take the end
    /// colors. Nil when the gradient is unusable (fewer than two colors, a
    /// color that is not `#rrggbb`/`#rrggbbaa`, `maxValue <= minValue`) or
    /// the score is not finite. Alpha, if any, is ignored.
    public static func color(forScore score: Double, gradient: Gradient) -> String? {
        let stops = gradient.colors.compactMap(HexColor.init)
        let low = gradient.minValue
        let high = gradient.maxValue
        let range = high - low
        guard stops.count >= 2, stops.count == gradient.colors.count, score.isFinite, low.isFinite, high.isFinite,
            range.isFinite, range > 0
        else { return nil }
        let clamped = Swift.min(Swift.max(score, low), high)
        return HexColor.along(stops, at: (clamped - low) / range).hex
    }
}

/// An RGB color read from `#rrggbb` or `#rrggbbaa` (alpha dropped).
struct HexColor: Equatable {
    var red: UInt8
    var green: UInt8
    var blue: UInt8

    init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7 || bytes.count == 9, bytes[0] == UInt8(ascii: "#") else { return nil }
        var channels: [UInt8] = []
        var i = 1
        while i + 1 < bytes.count {
            guard let high = HexColor.nibble(bytes[i]), let low = HexColor.nibble(bytes[i + 1]) else { return nil }
            channels.append(high << 4 | low)
            i += 2
        }
        guard channels.count >= 3 else { return nil }
        self.init(red: channels[0], green: channels[1], blue: channels[2])
    }

    /// The colour at `fraction` (0-1, clamped) of the way along `stops`
    /// (at least two), spaced evenly, mixed linearly between neighbours.
    static func along(_ stops: [HexColor], at fraction: Double) -> HexColor {
        guard stops.count >= 2 else { return stops.first ?? HexColor(red: 0, green: 0, blue: 0) }
        let position = Swift.min(Swift.max(fraction, 0), 1) * Double(stops.count - 1)
        let index = Swift.min(Swift.max(Int(position.rounded(.down)), 0), stops.count - 2)
        return stops[index].mixed(with: stops[index + 1], fraction: Swift.min(Swift.max(position - Double(index), 0), 1))
    }

    /// True for `#rrggbb` and `#rrggbbaa`.
    static func isValid(_ text: String) -> Bool { HexColor(text) != nil }

    /// Lower-case `#rrggbb`.
    var hex: String {
        "#"
            + [red, green, blue].map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
    }

    /// `self` moved `fraction` (0...1) of the way to `other`, each channel rounded.
    func mixed(with other: HexColor, fraction: Double) -> HexColor {
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
            let value = (Double(a) + (Double(b) - Double(a)) * fraction).rounded()
            return UInt8(Swift.min(Swift.max(value, 0), 255))
        }
        return HexColor(
            red: channel(red, other.red), green: channel(green, other.green), blue: channel(blue, other.blue))
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
