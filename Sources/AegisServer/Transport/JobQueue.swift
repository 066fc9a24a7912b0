import AegisWire
import DequeModule
import Foundation

/// A request waiting for a worker: its ticket (the front keeps who sent it
/// under that number), its body as received, and the sender's address for
/// the audit trail. The body, not a decoded envelope, waits in the queue:
/// its bytes are what the queue's byte bound counts, whereas a decoded
/// body can take many times more memory.
struct Job {
    var ticket: UInt64
    var body: Data
    var peer: String?
}

/// The hand-off from the RPC front to the workers: a FIFO that any idle
/// worker takes from, so one slow request never holds up others queued
/// behind a busy worker. Bounded in number (the front bounds the bytes):
/// when full, the front answers `UNAVAILABLE` itself. A taken job is no
/// longer referenced here, so its body is freed as soon as the worker is
/// done with it.
final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs = Deque<Job>()
    private var closed = false
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Jobs waiting.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return jobs.count
    }

    /// False when the queue is full or closed.
    func offer(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, jobs.count < capacity else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// The next job; nil once the queue is closed and drained.
    func take() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty {
            if closed { return nil }
            condition.wait()
        }
        return jobs.removeFirst()
    }

    /// Wakes every worker. With `discardingPending`, jobs not yet taken are
    /// dropped; otherwise `take` returns them first, then nil.
    func close(discardingPending: Bool = false) {
        condition.lock()
        closed = true
        if discardingPending { jobs.removeAll() }
        condition.broadcast()
        condition.unlock()
    }
}
