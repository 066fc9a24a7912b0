import Foundation

import AegisWire

/// A request waiting for a worker: the ROUTER routing id, whether the client
/// sent the empty delimiter frame, and the envelope the front already read.
struct Job {
    var identity: Data
    var delimited: Bool
    var envelope: RequestEnvelope
    var peer: String?
}

/// The hand-off from the RPC front to the workers: a FIFO that any idle
/// worker takes from, so one slow request never holds up others queued
/// behind a busy worker. Bounded: when full, the front answers
/// `UNAVAILABLE` itself.
final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var closed = false
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// False when the queue is full or closed.
    func offer(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, jobs.count - head < capacity else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// The next job; nil once the queue is closed and drained.
    func take() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count {
            if closed { return nil }
            condition.wait()
        }
        let job = jobs[head]
        head += 1
        if head > 1024, head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    /// Wakes every worker; `take` returns nil after the remaining jobs.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
