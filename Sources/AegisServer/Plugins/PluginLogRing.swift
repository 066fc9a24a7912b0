import Foundation
import Synchronization

/// The last lines a plugin wrote on stdout and stderr, bounded in lines and
/// in bytes (long lines are cut), for `plugin.logs`.
final class PluginLogRing: Sendable {
    struct Line: Sendable, Equatable {
        var at: Date
        var stream: String
        var text: String
    }

    static let maxLineBytes = 4096
    private let capacity: Int
    private let lines = Mutex<[Line]>([])

    init(capacity: Int = 1000) { self.capacity = capacity }

    func append(_ text: String, stream: String, at: Date = Date()) {
        var cut = text
        if cut.utf8.count > Self.maxLineBytes {
            cut = String(decoding: cut.utf8.prefix(Self.maxLineBytes), as: UTF8.self) + "…"
        }
        let line = Line(at: at, stream: stream, text: cut)
        lines.withLock { lines in
            lines.append(line)
            if lines.count > capacity { lines.removeFirst(lines.count - capacity) }
        }
    }

    /// The last `count` lines, oldest first.
    func last(_ count: Int) -> [Line] { lines.withLock { Array($0.suffix(max(0, count))) } }
}

/// Splits a byte stream into lines, keeping an unfinished one for later.
/// Bounded: a line longer than the limit is cut there, and the rest of it,
/// up to its newline, is dropped.
struct LineSplitter {
    private var pending = Data()
    /// Dropping what is left of a line that was cut.
    private var skipping = false

    mutating func feed(_ bytes: Data) -> [String] {
        var lines: [String] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: 0x0a) {
            if skipping {
                skipping = false
            } else {
                pending.append(bytes[start..<newline])
                lines.append(Self.text(pending))
            }
            pending.removeAll(keepingCapacity: true)
            start = bytes.index(after: newline)
        }
        if !skipping { pending.append(bytes[start...]) }
        if pending.count > PluginLogRing.maxLineBytes {
            lines.append(Self.text(pending))
            pending.removeAll(keepingCapacity: true)
            skipping = true
        }
        return lines
    }

    /// What is left at the end of the stream.
    mutating func finish() -> String? {
        defer {
            pending.removeAll()
            skipping = false
        }
        return pending.isEmpty ? nil : Self.text(pending)
    }

    private static func text(_ bytes: Data) -> String { String(decoding: bytes, as: UTF8.self) }
}
