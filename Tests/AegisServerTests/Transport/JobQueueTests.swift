import AegisWire
import Foundation
import Synchronization
import Testing

@testable import AegisServer

@Suite struct JobQueueTests {
    /// Set when a body's bytes are freed.
    final class Freed: Sendable {
        let count = Atomic<Int>(0)
    }

    static func body(_ size: Int, _ freed: Freed) -> Data {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        return Data(bytesNoCopy: pointer, count: size, deallocator: .custom { p, _ in
            p.deallocate()
            freed.count.add(1, ordering: .relaxed)
        })
    }

    /// The probe's first defect: a large body stayed referenced by the
    /// queue until about 1,024 more requests had passed through it.
    @Test func aTakenRequestIsNoLongerHeldByTheQueue() {
        let queue = JobQueue(capacity: 16)
        let freed = Freed()
        for ticket in 0..<3 {
            #expect(queue.offer(Job(ticket: UInt64(ticket), body: Self.body(1 << 20, freed), peer: nil)))
            do {
                let job = queue.take()
                #expect(job?.ticket == UInt64(ticket))
            }
            #expect(freed.count.load(ordering: .relaxed) == ticket + 1)
        }
        #expect(queue.count == 0)
    }

    @Test func refusesPastItsCapacityAndDrainsInOrder() {
        let queue = JobQueue(capacity: 2)
        #expect(queue.offer(Job(ticket: 1, body: Data(), peer: nil)))
        #expect(queue.offer(Job(ticket: 2, body: Data(), peer: nil)))
        #expect(!queue.offer(Job(ticket: 3, body: Data(), peer: nil)))
        queue.close()
        #expect(queue.take()?.ticket == 1)
        #expect(queue.take()?.ticket == 2)
        #expect(queue.take() == nil)
    }
}
