import AegisWire
import Foundation

/// Printing results: JSON for scripts, aligned tables and key/value blocks
/// for people.
enum Output {
    static func json(_ value: MessagePackValue) {
        let object = jsonObject(value)
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let data = try? JSONSerialization.data(withJSONObject: object, options: options.union(.fragmentsAllowed)) {
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// One compact JSON line (keys sorted), flushed at once: for streams.
    static func jsonLine(_ value: MessagePackValue) {
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]
        if let data = try? JSONSerialization.data(withJSONObject: jsonObject(value), options: options) {
            print(String(decoding: data, as: UTF8.self))
        }
        fflush(nil)
    }

    /// `key=value` pairs, keys sorted, values quoted when they hold spaces
    /// or quotes, lists as `[a,b]` and maps as `{k=v}`: one line per thing.
    static func pairs(_ map: MessagePackMap) -> String {
        map.entries.map { (text($0.key), $0.value) }.sorted { $0.0 < $1.0 }.map { "\($0.0)=\(compact($0.1))" }
            .joined(separator: " ")
    }

    private static func compact(_ value: MessagePackValue) -> String {
        switch value {
        case .array(let items): return "[" + items.map(compact).joined(separator: ",") + "]"
        case .map(let m): return "{" + pairs(m) + "}"
        case .string(let s):
            let plain = !s.isEmpty && !s.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline })
            if plain { return s }
            let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\"" + escaped + "\""
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        default: return text(value)
        }
    }

    static func jsonObject(_ value: MessagePackValue) -> Any {
        switch value {
        case .nil: NSNull()
        case .bool(let b): b
        case .int(let i): i
        case .uint(let u): u
        case .double(let d): d
        case .string(let s): s
        case .binary(let d): d.base64EncodedString()
        case .array(let a): a.map(jsonObject)
        case .map(let m):
            Dictionary(m.entries.map { (text($0.key), jsonObject($0.value)) }, uniquingKeysWith: { a, _ in a })
        case .timestamp(let t): timestamp(t)
        case .ext(let type, let data): ["ext": Int(type), "data": data.base64EncodedString()] as [String: Any]
        }
    }

    /// A scalar as people read it; lists joined with commas.
    static func text(_ value: MessagePackValue?) -> String {
        guard let value else { return "" }
        switch value {
        case .nil: return ""
        case .bool(let b): return b ? "yes" : "no"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .binary(let d): return "<\(d.count) bytes>"
        case .array(let a): return a.map { text($0) }.joined(separator: ", ")
        case .map(let m): return m.entries.map { "\(text($0.key))=\(text($0.value))" }.joined(separator: " ")
        case .timestamp(let t): return timestamp(t)
        case .ext(let type, _): return "<ext \(type)>"
        }
    }

    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter.string(
            from: date, timeZone: TimeZone(identifier: "UTC") ?? .current, formatOptions: [.withInternetDateTime])
    }

    /// `key: value` lines for the given fields of a map, in order.
    static func fields(_ value: MessagePackValue, _ keys: [(label: String, key: String)]) {
        guard case .map(let m) = value else { return json(value) }
        let width = keys.map(\.label.count).max() ?? 0
        for (label, key) in keys {
            let text = text(m[key])
            guard !text.isEmpty else { continue }
            print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + text)
        }
    }

    /// An aligned table of `columns` over `rows` (maps).
    static func table(_ rows: [MessagePackValue], _ columns: [(title: String, key: String, max: Int)]) {
        let cells = rows.map { row in
            columns.map { column -> String in
                let t = text(row.mapValue?[column.key])
                return t.count > column.max ? String(t.prefix(column.max - 1)) + "…" : t
            }
        }
        var widths = columns.map(\.title.count)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ items: [String]) -> String {
            items.enumerated().map { i, s in
                i == items.count - 1 ? s : s.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(columns.map(\.title)))
        for row in cells { print(line(row)) }
    }

    static func progress(_ message: String) {
        let interactive = isatty(STDERR_FILENO) != 0
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + message : message + "\n").utf8))
    }

    static func endProgress() {
        if isatty(STDERR_FILENO) != 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
