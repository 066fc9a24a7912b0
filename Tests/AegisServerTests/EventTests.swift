import AegisClient
import AegisDomain
import AegisServer
import AegisStore
import AegisWire
import Foundation
import Testing

@Suite struct EventTests {
    @Test func importsArePublishedAndReplayable() throws {
        let daemon = try TestDaemon()
        let subscriber = try EventSubscriber(endpoint: daemon.daemon.eventsEndpoint, topics: ["catalog."])
        let client = try daemon.client()
        // A SUB socket joins asynchronously: import until the subscriber
        // sees an event (a late joiner catches up with events.replay).
        var seen: AegisEvent?
        var imports = 0
        while seen == nil, imports < 20 {
            _ = try client.call("catalog.import", ["files": .array([try SharedDaemon.icsFile()])])
            imports += 1
            seen = try subscriber.next(timeout: .milliseconds(500))
        }
        let event = try #require(seen)
        #expect(event.type == "catalog.imported")
        #expect(event.subjectKind == "catalog")
        #expect(event.subjectID == "ics-attack")
        #expect(event.source == "test")
        #expect(event.actor?.hasPrefix("api_key:") == true)
        #expect(event.payload["version"] == "18.1")

        let replay = try #require(try client.call("events.replay", ["after_seq": 0, "limit": 1000]).mapValue)
        let items = try #require(replay["items"]?.arrayValue).compactMap(AegisEvent.init)
        #expect(items.map(\.seq) == Array(1...Int64(items.count)))
        #expect(items.first?.type == "api_key.created")
        #expect(items.filter { $0.type == "catalog.imported" }.count == imports)
        #expect(replay["last_seq"] == .int(Int64(items.count)))
        #expect(items.contains { $0.seq == event.seq && $0.type == event.type })

        let after = try client.call("events.replay", ["after_seq": .int(Int64(items.count - 1)), "limit": 1])
        #expect(after.mapValue?["items"]?.arrayValue?.count == 1)
    }

    @Test func replayValidatesItsParams() throws {
        let daemon = try SharedDaemon.get()
        for (params, field) in [(["after_seq": -1] as MessagePackMap, "after_seq"), (["limit": 0], "limit"), (["limit": 1001], "limit")] {
            let error = #expect(throws: AegisClientError.self) { try daemon.client().call("events.replay", params) }
            #expect(error?.code == "INVALID_ARGUMENT")
            if case .remote(_, _, let details) = error { #expect(details?["field"] == .string(field)) }
        }
    }
}

@Suite struct PublisherRecoveryTests {
    /// An event committed while no publisher ran (a crash between commit and
    /// publish) is published when the daemon starts again.
    @Test func eventsCommittedWhileDownArePublishedAfterRestart() throws {
        let daemon = try TestDaemon()
        daemon.daemon.stop()
        let store = try daemon.openStore()
        let session = try store.openSession()
        try session.write { repos in
            try repos.events.append(
                DomainEvent(type: "test.happened", subject: .init(kind: "test", id: "1"), actor: nil, payload: [:]),
                source: "test", at: Date())
        }
        let seq = try session.read { try $0.events.lastSeq() }
        #expect(try session.read { try $0.events.publishedSeq(instance: "test") } < seq)
        let again = Daemon(settings: daemon.daemon.settings, logger: .init(label: "test"))
        try again.start()
        defer { again.stop() }
        #expect(try eventually { try session.read { try $0.events.publishedSeq(instance: "test") } == seq })
    }
}
