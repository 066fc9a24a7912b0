import AegisDomain
import AegisRuntime
import Foundation

/// Writes to the database with group commit, on a thread of its own.
///
/// Callers hand in units of work and block until theirs is durable. The
/// writer thread takes every unit waiting (up to `maxBatch`), runs them in
/// one transaction, each inside its own savepoint (a unit that throws is
/// rolled back alone and gets its error), commits once, and answers every
/// caller of the batch. If the commit fails, every unit in the batch fails
/// and nothing of it was written. One connection, used by this thread only.
///
/// The events the batch appended are numbered and inserted last, just
/// before the commit (`SQLEventRepository.store`).
///
/// (A leader/follower variant, where callers take turns writing on their
/// own threads, measured about 20% slower: waking a dedicated thread costs
/// less than handing the lead over.)
final class GroupCommitWriter<DB: SQLDatabase>: @unchecked Sendable {
    private let connection: DB
    private let afterCommit: @Sendable ([StoredEvent]) -> Void
    private let beforeReply: @Sendable ([StoredEvent]) -> Void
    private let condition = NSCondition()
    private let afterBatch: (DB, _ appendedEvents: Bool) -> [StoredEvent]
    private var pending: [WriteJob<DB>] = []
    private var stopped = false
    let maxBatch = 128

    /// `beforeReply` runs after a commit, before any caller of the batch is
    /// answered (drop caches there); `afterCommit` after they are (wake the
    /// publisher there). Both get the events committed, in `seq` order.
    /// `afterBatch` runs on the writer thread after each committed batch,
    /// before its callers are answered (PostgreSQL numbers events there,
    /// and returns them numbered for `afterCommit`).
    init(
        connection: DB, beforeReply: @escaping @Sendable ([StoredEvent]) -> Void,
        afterCommit: @escaping @Sendable ([StoredEvent]) -> Void,
        afterBatch: @escaping (DB, _ appendedEvents: Bool) -> [StoredEvent] = { _, _ in [] }
    ) {
        self.connection = connection
        self.beforeReply = beforeReply
        self.afterCommit = afterCommit
        self.afterBatch = afterBatch
        _ = service
    }

    /// The writer thread. Units submitted before it starts wait for it;
    /// stopping runs the units already submitted and refuses new ones.
    private(set) lazy var service = ThreadService(
        name: "aegis-writer",
        onStop: { [weak self] in
            guard let self else { return }
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        },
        body: { [weak self] _ in self?.loop() })

    func start() { service.start() }
    func stop() { service.stop() }

    /// Runs `body` in the next batch and returns its result once committed.
    func submit<T>(_ body: (any Repositories) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            let box = ResultBox<T>()
            let job = WriteJob<DB> { repos in box.value = try body(repos) }
            condition.lock()
            guard !stopped else {
                condition.unlock()
                throw AegisError.unavailable("the store is shutting down")
            }
            pending.append(job)
            condition.signal()
            condition.unlock()
            job.done.wait()
            if let error = job.error { throw error }
            guard let value = box.value else { throw AegisError.unavailable("the write did not complete") }
            return value
        }
    }

    /// Puts units back at the head of the queue, in order.
    private func requeue(_ jobs: [WriteJob<DB>]) {
        guard !jobs.isEmpty else { return }
        condition.lock()
        pending.insert(contentsOf: jobs, at: 0)
        condition.signal()
        condition.unlock()
    }

    /// Units waiting for a batch (for tests).
    var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopped { condition.wait() }
            if pending.isEmpty && stopped {
                condition.unlock()
                return
            }
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            condition.unlock()
            run(batch)
        }
    }

    /// Runs `batch` in one transaction and answers its callers, except the
    /// units handed back to the queue when the transaction was lost.
    /// Internal for tests.
    func run(_ batch: [WriteJob<DB>]) {
        var committedEvents: [StoredEvent] = []
        var answered = batch[...]
        defer {
            // Drop each caller's closure before waking it: the caller's
            // `withoutActuallyEscaping` checks that nothing kept it.
            for job in answered {
                job.run = nil
                job.done.signal()
            }
            // The publisher last: callers' replies go out first.
            if !committedEvents.isEmpty { afterCommit(committedEvents) }
        }
        // A transaction left open by a failure that could not be undone
        // would make every later batch fail.
        connection.rollback()
        do {
            try connection.ensureConnected()
            try connection.executeLater(connection.dialect.beginWrite)
        } catch {
            for job in batch { job.error = error }
            return
        }
        var events: [StoredEvent] = []
        if batch.count == 1, let job = batch.first {
            // Alone in its transaction: no savepoint needed (two round trips
            // fewer on PostgreSQL); if it fails, the transaction is undone.
            let recorder = EventRecorder()
            do {
                try job.execute(SQLRepositories(db: connection, appended: recorder))
                events = recorder.events
            } catch {
                job.error = error
                connection.rollback()
                return
            }
        } else {
            guard runWithSavepoints(batch, events: &events, answered: &answered) else { return }
        }
        let numbered: [StoredEvent]
        do {
            numbered = try SQLEventRepository<DB>.store(events, db: connection)
            try connection.commit()
        } catch {
            connection.rollback()
            for job in batch where job.error == nil { job.error = error }
            return
        }
        // Numbered on SQLite; on PostgreSQL numbered right after this (so
        // handed on without their numbers, for their types).
        beforeReply(numbered.isEmpty ? events : numbered)
        committedEvents = numbered + afterBatch(connection, !events.isEmpty)
    }

    /// Runs each unit of `batch` in a savepoint of its own, collecting the
    /// events of those that succeed. False when the transaction was lost
    /// (the units are answered or requeued already).
    private func runWithSavepoints(
        _ batch: [WriteJob<DB>], events: inout [StoredEvent], answered: inout ArraySlice<WriteJob<DB>>
    ) -> Bool {
        for (index, job) in batch.enumerated() {
            let recorder = EventRecorder()
            do {
                try connection.executeLater("SAVEPOINT u\(index)")
                try job.execute(SQLRepositories(db: connection, appended: recorder))
                // With queued writes, sent now: an error they meet belongs
                // to this unit, not to the next. Otherwise it goes with the
                // next unit's first statement.
                if connection.hasQueuedWrites {
                    try connection.execute("RELEASE u\(index)")
                } else {
                    try connection.executeLater("RELEASE u\(index)")
                }
                events += recorder.events
            } catch {
                job.error = error
                // On PostgreSQL a first ROLLBACK TO may go out in a pipeline
                // that a queued write of this unit aborted; once that write
                // has failed, the transaction accepts it.
                let rolledBack =
                    (try? connection.prepare("ROLLBACK TO u\(index)").run()) != nil
                    || (!connection.isAutocommit && (try? connection.prepare("ROLLBACK TO u\(index)").run()) != nil)
                let undone = rolledBack && (try? connection.prepare("RELEASE u\(index)").run()) != nil
                guard undone, !connection.isAutocommit else {
                    // SQLite rolled the whole transaction back (it may on
                    // FULL, IOERR or NOMEM), or this unit's writes could not
                    // be undone: nothing of the batch may stand. The units
                    // already run fail; those not run yet go back to the queue.
                    connection.rollback()
                    let lost = AegisError.unavailable("the write was rolled back; retry")
                    for earlier in batch[..<index] where earlier.error == nil { earlier.error = lost }
                    answered = batch[...index]
                    requeue(Array(batch[(index + 1)...]))
                    return false
                }
            }
        }
        return true
    }
}

/// One caller's unit of work, waiting for its batch.
final class WriteJob<DB: SQLDatabase>: @unchecked Sendable {
    var run: ((SQLRepositories<DB>) throws -> Void)?
    var error: (any Error)?
    let done = DispatchSemaphore(value: 0)

    init(_ run: @escaping (SQLRepositories<DB>) throws -> Void) { self.run = run }

    /// Runs the unit once, releasing its closure as soon as it is done.
    func execute(_ repos: SQLRepositories<DB>) throws {
        guard let work = run else { return }
        run = nil
        try work(repos)
    }
}

/// Carries a unit's result from the writer thread back to its caller.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
