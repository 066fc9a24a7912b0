import Foundation

/// A Sigma string value: literal text and wildcards. `*` is any run of
/// characters, `?` one character; `\*`, `\?` and `\\` are the literal
/// characters, and a backslash before anything else is itself.
struct SigmaString: Equatable {
    enum Piece: Equatable {
        case text(String)
        case anyRun  // *
        case anyOne  // ?
    }

    var pieces: [Piece]

    init(pieces: [Piece]) { self.pieces = Self.merged(pieces) }

    /// Reads a rule's value, escapes and wildcards.
    init(parsing raw: String) {
        var pieces: [Piece] = []
        var text = ""
        var chars = raw.makeIterator()
        var pending: Character?
        while let c = pending ?? chars.next() {
            pending = nil
            switch c {
            case "*", "?":
                if !text.isEmpty { pieces.append(.text(text)); text = "" }
                pieces.append(c == "*" ? .anyRun : .anyOne)
            case "\\":
                guard let next = chars.next() else { text.append("\\"); break }
                if next == "*" || next == "?" || next == "\\" { text.append(next) } else { text.append("\\"); pending = next }
            default:
                text.append(c)
            }
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        self.init(pieces: pieces)
    }

    /// A value taken literally (no wildcards): numbers, booleans, encodings.
    init(literal: String) { self.init(pieces: literal.isEmpty ? [] : [.text(literal)]) }

    var hasWildcards: Bool { pieces.contains { $0 == .anyRun || $0 == .anyOne } }

    /// The text when there are no wildcards.
    var plainText: String? {
        guard !hasWildcards else { return nil }
        return pieces.map { if case .text(let t) = $0 { t } else { "" } }.joined()
    }

    func prepending(_ piece: Piece) -> SigmaString { SigmaString(pieces: [piece] + pieces) }
    func appending(_ piece: Piece) -> SigmaString { SigmaString(pieces: pieces + [piece]) }

    private static func merged(_ pieces: [Piece]) -> [Piece] {
        var out: [Piece] = []
        for piece in pieces {
            switch (out.last, piece) {
            case (.text(let a)?, .text(let b)): out[out.count - 1] = .text(a + b)
            case (.anyRun?, .anyRun): continue
            case (_, .text(let t)) where t.isEmpty: continue
            default: out.append(piece)
            }
        }
        return out
    }

    // MARK: Transformations (modifiers that rewrite the value)

    /// `windash`: each command-line flag dash (`-`, `/`, en dash, em dash,
    /// horizontal bar, at the start of the value, after a wildcard or a
    /// non-word character, and before a word character) replaced by each of
    /// the five, all flags of one variant alike; the original kept.
    func windashVariants() -> [SigmaString] {
        let dashes: [Character] = ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"]
        var positions = false
        var variants: [SigmaString] = []
        for replacement in dashes {
            var out: [Piece] = []
            for piece in pieces {
                guard case .text(let text) = piece else { out.append(piece); continue }
                var rebuilt = ""
                var previous: Character?
                let chars = Array(text)
                for (i, c) in chars.enumerated() {
                    let isFlag = dashes.contains(c) && !(previous.map(Self.isWordCharacter) ?? false)
                        && i + 1 < chars.count && Self.isWordCharacter(chars[i + 1])
                    if isFlag { positions = true }
                    rebuilt.append(isFlag ? replacement : c)
                    previous = c
                }
                out.append(.text(rebuilt))
            }
            variants.append(SigmaString(pieces: out))
        }
        guard positions else { return [self] }
        var unique: [SigmaString] = [self]
        for v in variants where !unique.contains(v) { unique.append(v) }
        return unique
    }

    private static func isWordCharacter(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }
}

/// Byte encodings the encoding modifiers produce.
enum ValueEncoding {
    static func utf16LE(_ s: String) -> [UInt8] { s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
    static func utf16BE(_ s: String) -> [UInt8] { s.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
    static func utf16(_ s: String) -> [UInt8] { [0xFF, 0xFE] + utf16LE(s) }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// The three forms `bytes` takes inside a longer base64 text, by its
    /// offset (0, 1, 2) in 3-byte groups: the encoding of the value shifted
    /// by 0-2 bytes, minus the leading characters the shift disturbs and the
    /// trailing ones the next bytes would change.
    static func base64Offsets(_ bytes: [UInt8]) -> [String] {
        let leading = [0, 2, 3]
        let trailing = [0, 3, 2]  // characters dropped at the end, by (count + shift) % 3
        var out: [String] = []
        for shift in 0..<3 {
            let encoded = Array(base64([UInt8](repeating: 0x20, count: shift) + bytes))
            let drop = trailing[(bytes.count + shift) % 3]
            let end = encoded.count - drop
            guard end > leading[shift] else { continue }
            out.append(String(encoded[leading[shift]..<end]))
        }
        return out
    }
}
