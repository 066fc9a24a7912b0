import Foundation

/// The plugin's log: one line at a time on stdout (what it did) or stderr
/// (what went wrong); aegisd puts both in its own log with the plugin named.
enum Log {
    static func info(_ line: String) { write(line, to: .standardOutput) }

    static func error(_ line: String) { write(line, to: .standardError) }

    private static func write(_ line: String, to handle: FileHandle) {
        // One write per line, so lines from two threads never interleave.
        handle.write(Data((line.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
    }
}
