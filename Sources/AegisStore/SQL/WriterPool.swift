import AegisDomain
import Synchronization

/// The writers of one store, each a `GroupCommitWriter` on a connection of
/// its own. SQLite has one (it allows one writer at a time anyway);
/// PostgreSQL several, so the round trips of different batches overlap.
/// Their commits stay in order where it matters: a batch takes its event
/// numbers last, on the one `event_counter` row, which it holds until it
/// commits.
final class WriterPool<DB: SQLDatabase>: @unchecked Sendable {
    let writers: [GroupCommitWriter<DB>]
    private let next = Atomic<Int>(0)

    init(_ writers: [GroupCommitWriter<DB>]) {
        precondition(!writers.isEmpty, "a store needs a writer")  // allowed: fixed at startup, not input
        self.writers = writers
    }

    func start() { for writer in writers { writer.start() } }
    func stop() { for writer in writers { writer.stop() } }

    /// Runs `body` on the writer with the fewest units waiting (ties taken
    /// in turn), and returns its result once committed.
    func submit<T>(_ body: (any Repositories) throws -> T) throws -> T {
        let first = next.add(1, ordering: .relaxed).oldValue
        var chosen = writers[first % writers.count]
        if writers.count > 1 {
            var fewest = chosen.waiting
            for offset in 1..<writers.count where fewest > 0 {
                let writer = writers[(first + offset) % writers.count]
                let waiting = writer.waiting
                if waiting < fewest {
                    chosen = writer
                    fewest = waiting
                }
            }
        }
        return try chosen.submit(body)
    }
}
