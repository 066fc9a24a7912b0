import Foundation
import Synchronization

/// What only the running server knows about itself, for `system.stats`:
/// its transport's figures, its memory and its limit of open files.
final class ServerFigures: Sendable {
    private let transport = Mutex<(@Sendable () -> TransportStatistics)?>(nil)

    /// Where the transport's figures come from, once the RPC server exists.
    func attach(_ source: @escaping @Sendable () -> TransportStatistics) { transport.withLock { $0 = source } }

    var transportStatistics: TransportStatistics { transport.withLock { $0 }?() ?? TransportStatistics() }

    /// This process's resident memory (VmRSS), in bytes; nil where /proc is missing.
    static var residentBytes: Int64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Int64(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kb * 1024
    }
}
