import Foundation

/// Framework slugs and technique ids as the compliance parsers accept them.
public enum ComplianceID {
    /// The longest framework id.
    public static let maxFrameworkIDLength = 64
    /// The longest control id; longer ones are skipped.
    public static let maxControlIDLength = 256

    /// `text` as a slug: lowercased; `/` becomes `.` (dates such as
    /// `12/12/2024`), any other character outside `[a-z0-9._-]` becomes `_`;
    /// runs of `_` collapse; separators are trimmed from both ends. Nil when
    /// nothing is left.
    public static func slug(_ text: String) -> String? {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            let c: Character
            switch scalar {
            case "a"..."z", "0"..."9", ".", "-", "_": c = Character(scalar)
            case "/": c = "."
            default: c = "_"
            }
            if c == "_", out.last == "_" { continue }
            out.append(c)
        }
        let trimmed = out.trimmingCharacters(in: CharacterSet(charactersIn: "._-"))
        return trimmed.isEmpty ? nil : String(trimmed.prefix(maxFrameworkIDLength))
    }

    /// Whether `id` is already a slug (non-empty, short, `[a-z0-9._-]`).
    public static func isSlug(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= maxFrameworkIDLength
            && id.utf8.allSatisfy {
                (97...122).contains($0) || (48...57).contains($0) || $0 == 46 || $0 == 45 || $0 == 95
            }
    }

    /// `raw` trimmed and uppercased when it is `T####` or `T####.###`;
    /// nil otherwise.
    public static func technique(_ raw: String) -> String? {
        let id = raw.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        let bytes = Array(id.utf8)
        guard bytes.count == 5 || bytes.count == 9, bytes[0] == 84 else { return nil }  // "T"
        func digits(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { (48...57).contains($0) } }
        guard digits(1..<5) else { return nil }
        if bytes.count == 9 { guard bytes[5] == 46, digits(6..<9) else { return nil } }  // "."
        return id
    }
}

/// Small text helpers shared by the parsers.
enum ComplianceText {
    /// Trimmed; nil when empty.
    static func clean(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// Trimmed and lowercased; nil when empty.
    static func mappingType(_ text: String?) -> String? { clean(text)?.lowercased() }
}
