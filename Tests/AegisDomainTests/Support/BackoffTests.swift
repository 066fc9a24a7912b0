import AegisDomain
import Testing

@Suite struct BackoffTests {
    @Test func doublesFromTheFirstDelayUpToTheMaximum() {
        var backoff = Backoff.reconnect
        #expect(backoff.delay() == .zero)
        let delays = (0..<8).map { _ in backoff.fail() }
        #expect(delays == [50, 100, 200, 400, 800, 1600, 2000, 2000].map { Duration.milliseconds($0) })
        backoff.reset()
        #expect(backoff.failures == 0)
        #expect(backoff.fail() == .milliseconds(50))
    }

    @Test func jitterShortensEachDelayWithinItsShare() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(60), jitter: 0.5)
        #expect(backoff.fail(random: 0) == .seconds(1))
        #expect(backoff.fail(random: 1) == .seconds(1))  // 2 s, halved
        #expect(backoff.fail(random: 0.5) == .seconds(3))  // 4 s less a quarter
    }

    @Test func manyFailuresStayAtTheMaximum() {
        var backoff = Backoff(initial: .milliseconds(1), maximum: .seconds(30))
        for _ in 0..<10_000 { _ = backoff.fail() }
        #expect(backoff.delay() == .seconds(30))
    }
}
