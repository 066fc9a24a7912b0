import AegisWire
import Foundation

/// Telemetry events in a local file: JSON lines, a JSON array of objects, or
/// objects one after another (pretty-printed or not). Each event is found by
/// its brackets without being decoded, and sent as its own JSON text (the
/// daemon keeps it as received).
struct JSONEventFile {
    /// Where one event lies in the file, and the line it starts on.
    struct Span {
        var range: Range<Int>
        var line: Int
    }

    let path: String
    let data: Data
    let spans: [Span]

    init(path: String) throws {
        self.path = path
        data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try LocalFiles.read(path)
        spans = try Self.scan(data, path: path)
    }

    /// Event `i` as wire text (bin when it is not UTF-8: the daemon reads both).
    func event(_ i: Int) -> MessagePackValue {
        let bytes = Data(data[(data.startIndex + spans[i].range.lowerBound)..<(data.startIndex + spans[i].range.upperBound)])
        if let text = String(data: bytes, encoding: .utf8) { return .string(text) }
        return .binary(bytes)
    }

    func size(_ i: Int) -> Int { spans[i].range.count }

    /// The top-level objects, and the elements of top-level arrays.
    static func scan(_ data: Data, path: String) throws -> [Span] {
        var spans: [Span] = []
        var problem: String?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var depth = 0
            var start = -1
            var startLine = 1
            var line = 1
            var inString = false
            var escaped = false
            var arrayDepth = 0  // 1 while inside a top-level array
            var i = 0
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
            while i < bytes.count, problem == nil {
                let c = bytes[i]
                if c == 0x0A { line += 1 }
                if inString {
                    if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
                    i += 1
                    continue
                }
                let level = depth - arrayDepth  // nesting inside the current event
                switch c {
                case 0x20, 0x09, 0x0A, 0x0D:
                    break
                case 0x2C where arrayDepth == 1 && level == 0:  // between an array's events
                    break
                case 0x5B where depth == 0:  // a top-level array: its elements are the events
                    depth = 1
                    arrayDepth = 1
                case 0x5D where arrayDepth == 1 && depth == 1:
                    depth = 0
                    arrayDepth = 0
                case 0x7B, 0x5B:
                    if level == 0 {
                        guard c == 0x7B else { problem = "line \(line): an event must be a JSON object"; return }
                        start = i
                        startLine = line
                    }
                    depth += 1
                    if depth > 64 { problem = "line \(line): nested deeper than 64 levels"; return }
                case 0x7D, 0x5D:
                    guard level > 0 else { problem = "line \(line): unbalanced brackets"; return }
                    depth -= 1
                    if depth == arrayDepth { spans.append(Span(range: start..<(i + 1), line: startLine)) }
                case 0x22 where level > 0:
                    inString = true
                default:
                    if level == 0 { problem = "line \(line): an event must be a JSON object"; return }
                }
                i += 1
            }
            if problem == nil, inString || depth != 0 { problem = "the file ends inside an event (line \(startLine))" }
        }
        if let problem { throw LocalFailure("\(path): \(problem)") }
        return spans
    }
}
