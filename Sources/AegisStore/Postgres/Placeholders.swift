/// Rewrites SQL written with `?` placeholders (SQLite's) into PostgreSQL's
/// `$1, $2, ...`, leaving string literals, quoted identifiers and comments
/// alone. Returns the text and the number of parameters.
enum Placeholders {
    static func numbered(_ sql: String) -> (sql: String, count: Int) {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var count = 0
        var quote: Character?
        var lineComment = false
        var blockComment = false
        var previous: Character?
        for c in sql {
            defer { previous = c }
            if lineComment {
                if c == "\n" { lineComment = false }
                out.append(c)
                continue
            }
            if blockComment {
                if previous == "*" && c == "/" { blockComment = false }
                out.append(c)
                continue
            }
            if let q = quote {
                // A doubled quote inside a literal toggles out and back in.
                if c == q { quote = nil }
                out.append(c)
                continue
            }
            switch c {
            case "'", "\"": quote = c
            case "-" where previous == "-": lineComment = true
            case "*" where previous == "/": blockComment = true
            case "?":
                count += 1
                out += "$\(count)"
                continue
            default: break
            }
            out.append(c)
        }
        return (out, count)
    }
}
