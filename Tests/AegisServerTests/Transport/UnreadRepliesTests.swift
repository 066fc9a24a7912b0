import AegisClient
import AegisWire
import Foundation
import Testing
import ZeroMQ

@testable import AegisServer
import AegisTestSupport

/// The probe's second defect: a client that sends requests and never reads
/// made the daemon keep every reply. Now what one connection leaves unread
/// is bounded in bytes; past it the daemon answers that connection with
/// short refusals, counts and logs it, and serves everyone else.
@Suite struct UnreadRepliesTests {
    static let perPeer = (256 << 10) + 65_536  // the least the setting allows with 256 KiB frames

    /// A DEALER that reads nothing until told: one reply queued in libzmq
    /// and a small kernel buffer on its side.
    static func silentDealer(_ context: ZMQContext, _ endpoint: String) throws -> ZMQSocket {
        let socket = try ZMQSocket(context, .dealer)
        try socket.setReceiveHighWaterMark(1)
        try socket.setReceiveBuffer(16 << 10)
        try socket.setReceiveTimeout(10_000)
        try socket.connect(endpoint)
        return socket
    }

    static func request(_ id: Int, _ method: String, _ params: MessagePackMap, auth: String) -> [Data] {
        [Data(), RequestEnvelope(id: .int(Int64(id)), method: method, params: params, auth: auth).encoded()]
    }

    @Test func aConnectionThatNeverReadsIsRefusedCountedAndLoggedWhileOthersAreServed() throws {
        let daemon = try TestDaemon(maxFrameBytes: 256 << 10, attackData: TestData.icsBundle) {
            $0.maxUnreadBytesPerPeer = 1
            $0.maxInFlightPerCaller = 1000
        }
        let team = try Team(daemon: daemon, importingCatalog: false)
        let viewer = try #require(team["viewer1"].apiKey)
        let context = try ZMQContext()
        defer { context.terminate() }
        let silent = try Self.silentDealer(context, daemon.daemon.rpcEndpoint)
        defer { silent.close() }

        // About 25 KB a reply: the allowance holds a dozen of them.
        let sample = try team["viewer1"].call("technique.list", ["limit": 1000])
        #expect(MessagePack.encode(sample).count > 16 << 10)
        let requests = 400
        for id in 0..<requests { try silent.send(Self.request(id, "technique.list", ["limit": 1000], auth: viewer)) }
        #expect(try eventually { daemon.daemon.transportStatistics.refusedUnread > 0 })

        // Everyone else is served meanwhile.
        let other = try team["bluelead"].call("technique.get", ["id": "T0803"])
        #expect(other.mapValue?["id"] == "T0803")
        let figures = daemon.daemon.transportStatistics
        #expect(figures.unreadBytes <= UInt64(Self.perPeer) + 1000 * 512)
        #expect(try eventually { daemon.log.text.contains("is not reading its replies") })
        // Operators see the count (admins only).
        #expect(try eventually { (try team.admin.call("system.stats")["transport"]?["refused_unread"]?.intValue ?? 0) > 0 })
        #expect(code { try team["viewer1"].call("system.stats") } == "PERMISSION_DENIED")
        // A request sent now is refused without being run.
        let late = requests + 1000
        try silent.send(Self.request(late, "technique.list", ["limit": 1000], auth: viewer))

        // Read at last: one reply per request, the first ones whole and the
        // rest short refusals that echo their request's id. (On a shared
        // store reads are not cached, so workers answer, in any order.)
        var whole = 0, refused = 0
        var ids = Set<Int64>()
        var lateRan: MessagePackValue?
        for _ in 0...requests {
            let frames = try #require(try silent.receive())
            let reply = try ReplyEnvelope.parse(try #require(frames.last)).get()
            if reply.id == .int(Int64(late)) {
                if case .failure(let error) = reply.outcome { lateRan = error.details?["ran"] }
                continue
            }
            ids.insert(reply.id.intValue ?? -1)
            switch reply.outcome {
            case .success: whole += 1
            case .failure(let error):
                #expect(error.code == .resourceExhausted)
                #expect(error.details?["max_unread_bytes"] == .int(Int64(Self.perPeer)))
                // Refused before running, or run with its reply replaced.
                #expect(error.details?["ran"]?.boolValue != nil)
                refused += 1
            }
        }
        #expect(ids == Set(0..<Int64(requests)))
        #expect(whole > 0 && refused > 0 && whole + refused == requests)
        #expect(lateRan == false)
        #expect(whole < 40)

        // Having read, it is served again.
        try silent.send(Self.request(requests, "technique.list", ["limit": 1000], auth: viewer))
        let again = try ReplyEnvelope.parse(try #require(try silent.receive()?.last)).get()
        #expect(again.id == .int(Int64(requests)))
        #expect((try? again.outcome.get()) != nil)
        #expect(try eventually { daemon.log.text.contains("reads its replies again") })
    }
}
