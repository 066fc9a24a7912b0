import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// Two aegisd processes on one PostgreSQL schema: exactly one leads, and
/// when the leader is killed (SIGKILL, no shutdown of any kind) the other
/// takes over once PostgreSQL has released the dead process's lock.
@Suite struct LeaderTakeoverTests {
    static func leads(_ daemon: DaemonProcess) -> Bool? {
        guard let client = try? AegisClient(endpoint: daemon.rpc, apiKey: nil, timeout: .seconds(5)),
            let info = try? client.call("system.info").mapValue
        else { return nil }
        return info["leader"] == true
    }

    /// Polls `condition` until it holds or `seconds` pass.
    static func within(_ seconds: Int, _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }

    @Test func killingTheLeaderHandsTheLeadToTheOther() throws {
        let url = try TestPostgres.url(schema: try TestPostgres.createSchema())
        let a = try DaemonProcess(environment: ["AEGIS_DATABASE_URL": url, "AEGIS_INSTANCE_ID": "a"])
        let b = try DaemonProcess(environment: ["AEGIS_DATABASE_URL": url, "AEGIS_INSTANCE_ID": "b"])
        #expect(Self.within(10) { Self.leads(a) != nil && Self.leads(b) != nil && Self.leads(a) != Self.leads(b) })
        let (leader, other) = Self.leads(a) == true ? (a, b) : (b, a)
        #expect(Self.leads(other) == false)
        leader.crash()
        #expect(Self.within(10) { Self.leads(other) == true })
    }
}
