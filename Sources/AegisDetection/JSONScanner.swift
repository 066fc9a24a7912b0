import Foundation

/// Finds the top-level JSON values in a byte buffer without decoding them,
/// checking nesting on the way: bounded time, no recursion.
enum JSONScanner {
    static func topLevelValues(_ data: Data, maxDepth: Int) throws(TelemetryEventError) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var failure: TelemetryEventError?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var depth = 0
            var start = -1
            var inString = false
            var escaped = false
            var i = 0
            while i < bytes.count {
                let c = bytes[i]
                if inString {
                    if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
                    if depth == 0 && !inString { spans.append(start..<(i + 1)); start = -1 }
                    i += 1
                    continue
                }
                switch c {
                case 0x20, 0x09, 0x0A, 0x0D:
                    if depth == 0 && start >= 0 { spans.append(start..<i); start = -1 }
                case 0x7B, 0x5B:  // { [
                    if depth == 0 {
                        if start >= 0 { spans.append(start..<i) }
                        start = i
                    }
                    depth += 1
                    if depth > maxDepth {
                        failure = TelemetryEventError("the event nests deeper than \(maxDepth) levels")
                        return
                    }
                case 0x7D, 0x5D:  // } ]
                    depth -= 1
                    if depth < 0 { failure = TelemetryEventError("not valid JSON: unbalanced brackets"); return }
                    if depth == 0 { spans.append(start..<(i + 1)); start = -1 }
                case 0x22:
                    if depth == 0 { start = i }
                    inString = true
                case 0xEF where i == 0 && bytes.count >= 3 && bytes[1] == 0xBB && bytes[2] == 0xBF:
                    i += 3
                    continue
                default:
                    if depth == 0 && start < 0 { start = i }
                }
                i += 1
            }
            if inString || depth != 0 { failure = TelemetryEventError("not valid JSON: truncated"); return }
            if start >= 0 { spans.append(start..<bytes.count) }
        }
        if let failure { throw failure }
        return spans
    }
}
