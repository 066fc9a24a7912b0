import AegisDomain
import Foundation

/// The one thread that writes to the SQLite file.
///
/// Callers hand it a unit of work and wait. It takes every unit waiting (up
/// to `maxBatch`), runs them in one transaction, each inside its own
/// savepoint (a unit that throws is rolled back alone and gets its error),
/// commits once, and then answers every caller. A unit's result is returned
/// only after the commit is durable; if the commit fails, every unit in the
/// batch fails and nothing of it was written.
final class GroupCommitWriter: @unchecked Sendable {
    private let connection: SQLiteConnection
    private let afterCommit: @Sendable ([String]) -> Void
    private let condition = NSCondition()
    private var pending: [WriteJob] = []
    private var running = false
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)
    let maxBatch = 128

    init(connection: SQLiteConnection, afterCommit: @escaping @Sendable ([String]) -> Void) {
        self.connection = connection
        self.afterCommit = afterCommit
    }

    func start() {
        condition.lock()
        running = true
        condition.unlock()
        let thread = Thread { [self] in
            self.loop()
            self.finished.signal()
        }
        thread.name = "aegis-writer"
        thread.start()
    }

    /// Finishes the work already submitted, then ends the thread.
    func stop() {
        condition.lock()
        let wasRunning = running && !stopped
        stopped = true
        condition.broadcast()
        condition.unlock()
        if wasRunning { finished.wait() }
    }

    /// Runs `body` in the next batch and returns its result once committed.
    func submit<T>(_ body: (any Repositories) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            let box = ResultBox<T>()
            let job = WriteJob { repos in box.value = try body(repos) }
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

    private func run(_ batch: [WriteJob]) {
        defer {
            // Drop each caller's closure before waking it: the caller's
            // `withoutActuallyEscaping` checks that nothing kept it.
            for job in batch {
                job.run = nil
                job.done.signal()
            }
        }
        do {
            try connection.prepare("BEGIN IMMEDIATE").run()
        } catch {
            for job in batch { job.error = error }
            return
        }
        var types: [String] = []
        for job in batch {
            let recorder = EventRecorder()
            do {
                try connection.prepare("SAVEPOINT unit").run()
                try job.execute(SQLiteRepositories(db: connection, appended: recorder))
                try connection.prepare("RELEASE unit").run()
                types += recorder.types
            } catch {
                job.error = error
                try? connection.prepare("ROLLBACK TO unit").run()
                try? connection.prepare("RELEASE unit").run()
            }
        }
        do {
            try connection.prepare("COMMIT").run()
        } catch {
            try? connection.prepare("ROLLBACK").run()
            for job in batch where job.error == nil { job.error = error }
            return
        }
        if !types.isEmpty { afterCommit(types) }
    }
}

/// One caller's unit of work, waiting for its batch.
final class WriteJob: @unchecked Sendable {
    var run: ((SQLiteRepositories) throws -> Void)?
    var error: (any Error)?
    let done = DispatchSemaphore(value: 0)

    init(_ run: @escaping (SQLiteRepositories) throws -> Void) { self.run = run }

    /// Runs the unit once, releasing its closure as soon as it is done.
    func execute(_ repos: SQLiteRepositories) throws {
        guard let work = run else { return }
        run = nil
        try work(repos)
    }
}

/// Carries a unit's result from the writer thread back to its caller.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
