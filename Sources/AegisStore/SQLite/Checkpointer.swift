import CSQLite
import Foundation

/// Copies committed pages from the write-ahead log into the database file
/// from a thread of its own (passive checkpoints: never blocking the
/// writer), so that commits pay only for appending to the log.
final class Checkpointer: @unchecked Sendable {
    private let path: String
    private let condition = NSCondition()
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)
    private var running = false
    /// How often to checkpoint.
    let interval: TimeInterval = 0.2

    init(path: String) { self.path = path }

    func start() {
        running = true
        let thread = Thread { [self] in
            self.loop()
            self.done.signal()
        }
        thread.name = "aegis-checkpoint"
        thread.start()
    }

    func stop() {
        condition.lock()
        let wasRunning = running && !stopped
        stopped = true
        condition.signal()
        condition.unlock()
        if wasRunning { done.wait() }
    }

    private func loop() {
        guard let connection = try? SQLiteConnection(path: path) else { return }
        while true {
            condition.lock()
            if !stopped { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
            let stop = stopped
            condition.unlock()
            try? connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            if stop {
                // A last, complete one on the way out.
                try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                return
            }
        }
    }
}
