/// Estimated text widths for laying out SVG text without a font engine,
/// from DejaVu Sans advance widths (Arial, the fallback, is narrower).
enum TextMetrics {
    /// Width in pixels of `text` at `fontSize`.
    static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
        text.reduce(0) { $0 + advance(of: $1, bold: bold) } * fontSize / 1000
    }

    /// `text` on one line, cut and ended with "…" so that it fits `maxWidth`.
    static func fit(_ text: String, maxWidth: Double, fontSize: Double, bold: Bool = false) -> String {
        let line = MarkupText.singleLine(text)
        guard width(line, fontSize: fontSize, bold: bold) > maxWidth else { return line }
        let budget = maxWidth * 1000 / fontSize - advance(of: "…", bold: bold)
        var used = 0.0
        var kept = ""
        for character in line {
            used += advance(of: character, bold: bold)
            if used > budget { break }
            kept.append(character)
        }
        while kept.last == " " { kept.removeLast() }
        return kept + "…"
    }

    /// Advance of one character in thousandths of an em.
    private static func advance(of character: Character, bold: Bool) -> Double {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let value = scalar.value
        if value >= 0x20 && value < 0x7F {
            return Double((bold ? boldASCII : regularASCII)[Int(value) - 0x20])
        }
        if value == 0x2026 { return 1000 }
        // East Asian wide ranges and emoji: a full em; anything else: a wide letter.
        let wide =
            (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value)
            || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
            || (0x1F300...0x1FAFF).contains(value) || (0x20000...0x3FFFD).contains(value)
        return wide ? 1000 : (bold ? 850 : 780)
    }

    /// DejaVu Sans advances, U+0020...U+007E.
    private static let regularASCII: [UInt16] = [
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
        1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
        603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
        500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
        635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
    ]

    /// DejaVu Sans Bold advances, U+0020...U+007E.
    private static let boldASCII: [UInt16] = [
        348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
        696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580,
        1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
        733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500,
        500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
        716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
    ]
}
