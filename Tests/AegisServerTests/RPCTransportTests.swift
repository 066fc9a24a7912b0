import AegisClient
import AegisWire
import Foundation
import Testing
import ZeroMQ

@testable import AegisServer
import AegisTestSupport

@Suite struct RPCTransportTests {
    @Test func dealerClientsGetReplies() throws {
        let daemon = try SharedDaemon.get()
        let pong = try daemon.client(key: nil).call("system.ping")
        #expect(pong.mapValue?["pong"] == true)
        #expect(pong.mapValue?["time"]?.dateValue != nil)
    }

    @Test func reqClientsGetReplies() throws {
        let daemon = try SharedDaemon.get()
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try ZMQSocket(context, .req)
        defer { socket.close() }
        try socket.setReceiveTimeout(10_000)
        try socket.connect(daemon.daemon.rpcEndpoint)
        let request = RequestEnvelope(id: .string("req-1"), method: "system.ping", params: [:], auth: nil)
        try socket.send([request.encoded()])
        let frames = try #require(try socket.receive())
        #expect(frames.count == 1)
        let reply = try ReplyEnvelope.parse(frames[0]).get()
        #expect(reply.id == .string("req-1"))
        #expect(try reply.outcome.get().mapValue?["pong"] == true)
    }

    @Test func infoIsPublicAndDescribesTheDaemon() throws {
        let daemon = try SharedDaemon.get()
        let info = try #require(try daemon.client(key: nil).call("system.info").mapValue)
        #expect(info["name"] == "aegisd")
        #expect(info["version"] == .string(AegisVersion.current))
        #expect(info["protocol"] == 1)
        #expect(info["store"] == .string(TestStore.kind == .sqlite ? "sqlite" : "postgresql"))
        #expect(info["instance"] == "test")
        #expect(info["catalog_version"] == "ics-attack 18.1")
        #expect((info["uptime_ms"]?.intValue ?? -1) >= 0)
    }

    @Test func everyMethodHasAnAccessRuleAndEveryRuleAMethod() {
        let mismatch = MethodTable.standard.policyMismatches()
        #expect(mismatch.unruled.isEmpty)
        #expect(mismatch.unserved.isEmpty)
    }

    @Test func manyClientsAtOnceEachGetTheirOwnReplies() async throws {
        let daemon = try SharedDaemon.get()
        let endpoint = daemon.daemon.rpcEndpoint
        let key = daemon.adminKey
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    let client = try AegisClient(endpoint: endpoint, apiKey: key)
                    for i in 0..<50 {
                        let id = ["T0803", "T0800", "T0817"][(worker + i) % 3]
                        let technique = try client.call("technique.get", ["id": .string(id)])
                        #expect(technique.mapValue?["id"] == .string(id))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func stopAnswersNothingMoreAndReleasesTheDataDirectory() throws {
        let daemon = try TestDaemon()
        let endpoint = daemon.daemon.rpcEndpoint
        _ = try daemon.client().call("system.ping")
        daemon.daemon.stop(grace: .seconds(2))
        #expect(!FileManager.default.fileExists(atPath: daemon.dataDirectory.appendingPathComponent("aegisd.json").path))
        let client = try AegisClient(endpoint: endpoint, apiKey: nil, timeout: .milliseconds(300))
        #expect(throws: AegisClientError.self) { try client.call("system.ping") }
        // The lock is released: a new daemon can use the same directory.
        let again = Daemon(settings: daemon.daemon.settings, logger: .init(label: "test"))
        try again.start()
        again.stop()
    }

    @Test func stopAnswersRequestsAlreadyInFlight() throws {
        let daemon = try TestDaemon(maxFrameBytes: 64 << 20)
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try ZMQSocket(context, .dealer)
        defer { socket.close() }
        try socket.setReceiveTimeout(60_000)
        try socket.connect(daemon.daemon.rpcEndpoint)
        let files: [MessagePackValue] = try TestData.lookupFilesForImport()
        let request = RequestEnvelope(id: 1, method: "catalog.import", params: ["files": .array(files)], auth: daemon.adminKey)
        try socket.send([Data(), request.encoded()])
        #expect(try eventually { daemon.daemon.requestsInFlight > 0 })
        let stopper = Thread { daemon.daemon.stop(grace: .seconds(30)) }
        stopper.start()
        let frames = try #require(try socket.receive())
        let reply = try ReplyEnvelope.parse(try #require(frames.last)).get()
        let summary = try reply.outcome.get()
        #expect(summary.mapValue?["domains"]?.arrayValue?.first?.mapValue?["domain"] == "enterprise-attack")
    }

    @Test func aSecondDaemonOnTheSameDirectoryRefusesToStart() throws {
        let daemon = try TestDaemon()
        let second = Daemon(settings: daemon.daemon.settings, logger: .init(label: "test"))
        #expect(throws: DaemonError.self) { try second.start() }
        _ = try daemon.client().call("system.ping")
    }
}
