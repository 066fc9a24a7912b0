import AegisDomain
import Testing

@Suite struct PluginLifecycleTests {
    let t0 = ContinuousClock.now
    let policy = PluginPolicy(
        backoff: Backoff(initial: .seconds(1), maximum: .seconds(8)), maxFailures: 4, healthyAfter: .seconds(30),
        stopGrace: .seconds(5), heartbeatInterval: .seconds(5))

    func plugin(_ restart: PluginDeclaration.Restart = .onFailure) -> PluginLifecycle {
        PluginLifecycle(
            declaration: PluginDeclaration(
                name: "p", command: "p", restart: restart, helloTimeout: .seconds(10), heartbeatTimeout: .seconds(15)),
            policy: policy)
    }

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int64(seconds * 1000)) }

    @Test func startsSaysHelloAndStaysRunningWhileItHeartbeats() throws {
        var p = plugin()
        #expect(try p.start(now: at(0)) == [.spawn])
        #expect(p.state == .starting)
        #expect(p.nextDeadline == at(10))
        #expect(p.hello(now: at(1)) == [.announce(.started)])
        #expect(p.state == .running)
        p.heartbeat(now: at(14))
        #expect(p.tick(now: at(20)) == [])
        #expect(p.nextDeadline == at(29))
        #expect(throws: PluginRefusal.alreadyRunning) { try p.start(now: at(21)) }
        #expect(p.restarts == 0)
    }

    @Test func aMissedHelloIsACrashThenABackoffThenAStartAgain() {
        var p = plugin()
        _ = try? p.start(now: at(0))
        #expect(p.tick(now: at(9)) == [])
        #expect(p.tick(now: at(10)) == [.announce(.crashed(nil, reason: "no plugin.hello within 10.0 seconds")), .terminate])
        #expect(p.state == .backingOff && p.hasProcess)
        #expect(p.exited(.signaled(15), now: at(10.1)) == [.revokeCredential])
        #expect(p.phase == .backingOff(until: at(11.1)))
        #expect(p.tick(now: at(11)) == [])
        #expect(p.tick(now: at(11.1)) == [.spawn])
        #expect(p.restarts == 1)
    }

    @Test func aMissedHeartbeatIsACrash() {
        var p = plugin()
        _ = try? p.start(now: at(0))
        _ = p.hello(now: at(1))
        p.heartbeat(now: at(5))
        #expect(p.tick(now: at(20)) == [.announce(.crashed(nil, reason: "no plugin.heartbeat for 15.0 seconds")), .terminate])
    }

    @Test func onePluginThatExitsAtOnceInALoopBacksOffLongerThenFails() throws {
        var p = plugin(.always)
        var now = t0
        _ = try p.start(now: now)
        var waits: [Duration] = []
        for _ in 0..<3 {
            now += .milliseconds(10)
            let effects = p.exited(.exited(1), now: now)
            #expect(effects == [.revokeCredential, .announce(.crashed(.exited(1), reason: "exit status 1"))])
            guard case .backingOff(let until) = p.phase else { Issue.record("not backing off"); return }
            waits.append(until - now)
            now = until
            #expect(p.tick(now: now) == [.spawn])
        }
        #expect(waits == [.seconds(1), .seconds(2), .seconds(4)])
        now += .milliseconds(10)
        #expect(p.exited(.exited(1), now: now).last == .announce(.failed(reason: "4 failures in a row; the last: exit status 1")))
        #expect(p.state == .failed)
        #expect(p.tick(now: now + .seconds(1000)) == [])
        // Until an admin starts it again, with the failures forgotten.
        #expect(try p.start(now: now + .seconds(1000)) == [.spawn])
        #expect(p.backoff.failures == 0)
    }

    @Test func aHealthyWhileForgetsEarlierFailures() {
        var p = plugin(.always)
        _ = try? p.start(now: at(0))
        _ = p.exited(.exited(3), now: at(1))
        _ = p.tick(now: at(2))
        _ = p.hello(now: at(2.5))
        #expect(p.backoff.failures == 1)
        #expect(p.nextDeadline == at(17.5))
        p.heartbeat(now: at(15))
        p.heartbeat(now: at(30))
        #expect(p.tick(now: at(32.5)) == [])
        #expect(p.backoff.failures == 0)
    }

    @Test func stoppingIsSigtermThenAfterTheGraceSigkill() {
        var p = plugin()
        _ = try? p.start(now: at(0))
        _ = p.hello(now: at(1))
        #expect(p.stop(now: at(2)) == [.terminate])
        #expect(p.tick(now: at(6.9)) == [])
        #expect(p.tick(now: at(7)) == [.kill])
        #expect(p.tick(now: at(8)) == [])
        #expect(p.exited(.signaled(9), now: at(8)) == [.revokeCredential, .announce(.stopped)])
        #expect(p.state == .stopped && !p.hasProcess)
        #expect(p.stop(now: at(9)) == [])
    }

    @Test func restartStopsThenStartsAgain() {
        var p = plugin()
        _ = try? p.start(now: at(0))
        _ = p.hello(now: at(1))
        #expect(p.restart(now: at(2)) == [.terminate])
        #expect(p.state == .starting)
        #expect(p.exited(.exited(0), now: at(2.1)) == [.revokeCredential, .spawn])
        #expect(p.restarts == 1)
    }

    @Test func theRestartPolicyDecidesAfterAnExit() {
        var never = plugin(.never)
        _ = try? never.start(now: at(0))
        #expect(never.exited(.exited(2), now: at(1)) == [.revokeCredential, .announce(.crashed(.exited(2), reason: "exit status 2"))])
        #expect(never.state == .stopped)

        var onFailure = plugin(.onFailure)
        _ = try? onFailure.start(now: at(0))
        #expect(onFailure.exited(.exited(0), now: at(1)) == [.revokeCredential, .announce(.stopped)])
        #expect(onFailure.state == .stopped)

        var always = plugin(.always)
        _ = try? always.start(now: at(0))
        _ = always.exited(.exited(0), now: at(1))
        #expect(always.state == .backingOff)
    }

    @Test func aCommandThatCannotBeRunIsAFailureToo() {
        var p = plugin()
        _ = try? p.start(now: at(0))
        #expect(p.spawnFailed(now: at(0), reason: "no such file") == [.revokeCredential, .announce(.crashed(nil, reason: "no such file"))])
        #expect(p.state == .backingOff)
    }

    @Test func stoppingABackingOffPluginIsImmediate() {
        var p = plugin(.always)
        _ = try? p.start(now: at(0))
        _ = p.exited(.exited(1), now: at(1))
        #expect(p.stop(now: at(1.5)) == [.announce(.stopped)])
        #expect(p.state == .stopped)
    }

    @Test func neverMeansStoppedAfterAnyFailureWithTheReasonKept() {
        var p = plugin(.never)
        _ = try? p.start(now: at(0))
        #expect(p.tick(now: at(10)) == [.announce(.crashed(nil, reason: "no plugin.hello within 10.0 seconds")), .terminate])
        #expect(p.exited(.signaled(15), now: at(10.1)) == [.revokeCredential])
        #expect(p.state == .stopped)
    }
}
