import Foundation
import Testing

@testable import AegisServer

@Suite struct InFlightLimiterTests {
    @Test func aCallerAtItsLimitIsRefusedUntilOneIsAnswered() {
        var limiter = InFlightLimiter(limit: 2)
        var admitted: Bool
        let a = Data([1]), b = Data([2])
        admitted = limiter.admit(.principal("usr_a"), connection: a)
        #expect(admitted)
        admitted = limiter.admit(.principal("usr_a"), connection: b)
        #expect(admitted)
        admitted = limiter.admit(.principal("usr_a"), connection: a)
        #expect(!admitted)
        // Someone else is not affected, up to the connection's own limit.
        admitted = limiter.admit(.principal("usr_b"), connection: b)
        #expect(admitted)
        admitted = limiter.admit(.principal("usr_d"), connection: b)
        #expect(!admitted)
        admitted = limiter.admit(.principal("usr_c"), connection: Data([3]))
        #expect(admitted)
        limiter.release(.principal("usr_a"), connection: a, elapsed: .milliseconds(40))
        admitted = limiter.admit(.principal("usr_a"), connection: a)
        #expect(admitted)
        #expect(limiter.retryAfterMS >= 10)
    }

    @Test func manyCredentialsOnOneConnectionShareItsLimit() {
        var limiter = InFlightLimiter(limit: 3)
        var admitted: Bool
        let connection = Data([9])
        for n in 0..<3 {
            admitted = limiter.admit(.credential("token-\(n)"), connection: connection)
            #expect(admitted)
        }
        admitted = limiter.admit(.credential("token-9"), connection: connection)
        #expect(!admitted)
        #expect(limiter.activeCallers == 4)
    }
}
