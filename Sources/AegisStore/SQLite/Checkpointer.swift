import AegisRuntime
import CSQLite
import Foundation

/// Copies committed pages from the write-ahead log into the database file
/// from a thread of its own (passive checkpoints: never blocking the
/// writer), so that commits pay only for appending to the log.
final class Checkpointer: Sendable {
    private let path: String
    /// How often to checkpoint.
    static let interval: Duration = .milliseconds(200)
    let service: ThreadService

    init(path: String) {
        self.path = path
        service = ThreadService(name: "aegis-checkpoint") { signal in Self.loop(path: path, signal) }
    }

    func start() { service.start() }
    func stop() { service.stop() }

    private static func loop(path: String, _ signal: StopSignal) {
        // Until its connection opens, it tries again each second.
        var opened: SQLiteConnection?
        while opened == nil {
            opened = try? SQLiteConnection(path: path)
            if opened == nil, signal.wait(.seconds(1)) { return }
        }
        guard let connection = opened else { return }
        while true {
            let stop = signal.wait(interval)
            try? connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            if stop {
                // A last, complete one on the way out.
                try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                return
            }
        }
    }
}
