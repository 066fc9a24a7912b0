import Foundation

/// Writes CSV (RFC 4180) that is safe to open in a spreadsheet.
///
/// Cell safety: a spreadsheet may run a cell that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return as a formula, so such a cell gets a
/// leading `'` (`=SUM(A1)` is written `'=SUM(A1)`, `-1` is written `'-1`).
/// Then a cell holding a comma, a double quote, CR or LF is put in double
/// quotes, its quotes doubled. Lines end with CRLF.
public enum CSVWriter {
    /// The characters that make a cell a possible formula.
    public static let formulaPrefixes: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// One cell, guarded and quoted.
    public static func cell(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, formulaPrefixes.contains(Character(first)) {
            value = "'" + value
        }
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One line of cells, ending with CRLF.
    public static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }
}
