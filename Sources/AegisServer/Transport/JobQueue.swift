import AegisWire
import Foundation

/// A request waiting for a worker: the ROUTER routing id, whether the client
/// sent the empty delimiter frame, and the request, read by the front or not.
struct Job {
    enum Request {
        /// Read by the front (small bodies).
        case read(RequestEnvelope, bytes: Int)
        /// Too large to read on the front: the worker reads it.
        case unread(Data)

        var bytes: Int {
            switch self {
            case .read(_, let bytes): bytes
            case .unread(let body): body.count
            }
        }
    }

    var identity: Data
    var delimited: Bool
    var request: Request
    var peer: String?
}

/// The hand-off from the RPC front to the workers: a FIFO that any idle
/// worker takes from, so one slow request never holds up others queued
/// behind a busy worker. Bounded in number and in bytes: when full, the
/// front answers `UNAVAILABLE` itself.
final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var bytes = 0
    private var closed = false
    let capacity: Int
    let byteBudget: Int

    init(capacity: Int, byteBudget: Int) {
        self.capacity = capacity
        self.byteBudget = byteBudget
    }

    /// False when the queue is full or closed.
    func offer(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let size = job.request.bytes
        guard !closed, jobs.count - head < capacity, bytes + size <= byteBudget else { return false }
        jobs.append(job)
        bytes += size
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
        bytes -= job.request.bytes
        if head > 1024, head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    /// Wakes every worker. With `discardingPending`, jobs not yet taken are
    /// dropped; otherwise `take` returns them first, then nil.
    func close(discardingPending: Bool = false) {
        condition.lock()
        closed = true
        if discardingPending {
            jobs.removeAll()
            head = 0
            bytes = 0
        }
        condition.broadcast()
        condition.unlock()
    }
}
