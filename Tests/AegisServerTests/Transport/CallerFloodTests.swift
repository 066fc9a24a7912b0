import AegisClient
import AegisWire
import Foundation
import Testing
import ZeroMQ

@testable import AegisServer
import AegisTestSupport

/// The probe's eighth defect: a viewer's 3,000 pipelined reads kept the
/// workers busy for half a minute while another caller waited. Now a
/// caller past its limit of requests in flight is refused at once by the
/// front, and everyone else is answered.
@Suite struct CallerFloodTests {
    @Test func aPipelinedFloodIsRateLimitedAndAnotherCallerIsAnsweredWithinASecond() throws {
        let daemon = try TestDaemon(attackData: TestData.icsBundle) { $0.maxInFlightPerCaller = 8 }
        let team = try Team(daemon: daemon, importingCatalog: false)
        let viewer = try #require(team["viewer1"].apiKey)
        let context = try ZMQContext()
        defer { context.terminate() }
        let flood = try ZMQSocket(context, .dealer)
        defer { flood.close() }
        try flood.setReceiveTimeout(30_000)
        try flood.setSendHighWaterMark(0)
        try flood.connect(daemon.daemon.rpcEndpoint)

        let requests = 3000
        for id in 0..<requests {
            // Each asks for a different page size, so none is served from the cache.
            let envelope = RequestEnvelope(
                id: .int(Int64(id)), method: "technique.list", params: ["limit": .int(Int64(1000 - id % 999))], auth: viewer)
            try flood.send([Data(), envelope.encoded()])
        }
        let started = ContinuousClock.now
        let other = try team["bluelead"].call("technique.get", ["id": "T0803"])
        let waited = ContinuousClock.now - started
        #expect(other.mapValue?["id"] == "T0803")
        #expect(waited < .seconds(1))

        var answered = 0, limited = 0
        for _ in 0..<requests {
            let frames = try #require(try flood.receive())
            let reply = try ReplyEnvelope.parse(try #require(frames.last)).get()
            switch reply.outcome {
            case .success: answered += 1
            case .failure(let error):
                if error.code == .rateLimited {
                    limited += 1
                    #expect((error.details?["retry_after_ms"]?.intValue ?? 0) > 0)
                }
            }
        }
        #expect(answered > 0)
        #expect(limited > 0)
        #expect(try eventually { daemon.daemon.transportStatistics.refusedInFlight == limited })
    }
}
