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

/// Splits a byte stream into lines, keeping an unfinished one for later
/// (bounded: a line longer than the limit is cut and the rest dropped).
struct LineSplitter {
    private var pending = Data()

    mutating func feed(_ bytes: Data) -> [String] {
        pending.append(bytes)
        var lines: [String] = []
        while let newline = pending.firstIndex(of: 0x0a) {
            lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
            pending = Data(pending[pending.index(after: newline)...])
        }
        if pending.count > PluginLogRing.maxLineBytes {
            lines.append(String(decoding: pending.prefix(PluginLogRing.maxLineBytes), as: UTF8.self))
            pending.removeAll()
        }
        return lines
    }

    /// What is left at the end of the stream.
    mutating func finish() -> String? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }
}
