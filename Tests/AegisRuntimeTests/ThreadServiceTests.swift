import AegisRuntime
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@Suite struct ThreadServiceTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func add() { value.add(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    @Test func stopAsksTheBodyToReturnAndJoinsItsThread() {
        let rounds = Counter(), stops = Counter()
        let service = ThreadService(name: "test-loop", onStop: { stops.add() }) { signal in
            while !signal.wait(.milliseconds(5)) { rounds.add() }
        }
        service.start()
        service.start()  // once only
        while rounds.count < 3 { Thread.sleep(forTimeInterval: 0.001) }
        service.stop()
        #expect(service.hasFinished)
        service.stop()  // again: nothing to do
        #expect(stops.count == 1)
    }

    @Test func aServiceNeverStartedStopsAtOnce() {
        let service = ThreadService(name: "test-idle") { _ in Issue.record("never started") }
        service.stop()
        #expect(!service.hasFinished)
    }

    @Test func aPoolHasFinishedWhenEveryThreadHasReturned() {
        let returned = Counter()
        let pool = ThreadService(name: "test-pool", count: 3) { index, signal in
            if index == 0 { while !signal.wait(.seconds(30)) {} }
            returned.add()
        }
        pool.start()
        while returned.count < 2 { Thread.sleep(forTimeInterval: 0.001) }
        #expect(!pool.hasFinished)
        pool.stop()
        #expect(returned.count == 3)
        #expect(pool.hasFinished)
    }

    @Test func aServiceGroupStopsItsServicesInReverseOrderOnGracefulShutdown() async throws {
        let order = Mutex<[String]>([])
        let running = Counter()
        func part(_ name: String) -> ThreadService {
            ThreadService(name: name) { signal in
                running.add()
                while !signal.wait(.seconds(30)) {}
                order.withLock { $0.append(name) }
            }
        }
        let services = [part("first"), part("second"), part("third")]
        let group = ServiceGroup(services: services, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // The group has started every one.
            while running.count < 3 { try await Task.sleep(for: .milliseconds(1)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(order.withLock { $0 } == ["third", "second", "first"])
        #expect(services.allSatisfy { $0.hasFinished })
    }

    @Test func aBodyThatReturnsByItselfEndsItsRun() async throws {
        let service = ThreadService(name: "test-short") { _ in }
        try await service.run()
        #expect(service.hasFinished)
    }
}
