import AegisClient
import AegisDomain
import AegisStore
import AegisWire
import Foundation
import Testing
import ZeroMQ
import AegisTestSupport

/// Every malformed request gets one reply with the right code, nothing is
/// written, and the daemon goes on serving.
@Suite struct BadInputTests {
    static let frameLimit = 256 << 10

    /// A daemon with a small frame limit; what it holds is compared before
    /// and after each bad request.
    let daemon: TestDaemon
    let before: [String]

    init() throws {
        daemon = try TestDaemon(maxFrameBytes: Self.frameLimit)
        before = try Self.state(daemon)
    }

    /// What the database holds, read from the file itself (not through the
    /// daemon and its caches).
    static func state(_ daemon: TestDaemon) throws -> [String] {
        let store = try daemon.openStore()
        return try store.openSession().read { repos in
            let techniques = try repos.catalog.techniques(
                matching: TechniqueQuery(includeRevoked: true, page: PageRequest(limit: 1000)))
            let actors = try repos.catalog.actors(matching: ActorQuery(includeRevoked: true, page: PageRequest(limit: 1000)))
            return [
                "\(try repos.catalog.status())", "events \(try repos.events.lastSeq())",
                "techniques \(techniques.items.count)", "actors \(actors.items.count)",
                "tactics \(try repos.catalog.tactics(domain: nil).count)",
            ]
        }
    }

    func expectUnchangedAndServing() throws {
        #expect(try daemon.client(key: nil).call("system.ping").mapValue?["pong"] == true)
        #expect(try Self.state(daemon) == before)
    }

    func request(_ method: String, _ params: MessagePackMap = [:], auth: Bool = true) -> Data {
        RequestEnvelope(id: 7, method: method, params: params, auth: auth ? daemon.adminKey : nil).encoded()
    }

    func expectError(_ body: Data, _ code: WireErrorCode, field: String? = nil, id: MessagePackValue? = nil) throws {
        let reply = try daemon.raw(body)
        guard case .failure(let error) = reply.outcome else {
            Issue.record("expected \(code), got a result")
            return
        }
        #expect(error.code == code, "\(error.message)")
        if let field { #expect(error.details?["field"] == .string(field), "\(error.details.map { "\($0)" } ?? "no details")") }
        if let id { #expect(reply.id == id) }
        try expectUnchangedAndServing()
    }

    @Test func bytesThatAreNotMessagePack() throws {
        try expectError(Data([0xc1]), .invalidRequest, id: .nil)
        try expectError(Data("GET / HTTP/1.1\r\n\r\n".utf8), .invalidRequest, id: .nil)
        try expectError(Data(), .invalidRequest, id: .nil)
    }

    @Test func aTruncatedBody() throws {
        let full = request("system.ping")
        try expectError(full.prefix(full.count - 3), .invalidRequest, id: .nil)
    }

    @Test func aBodyThatIsNotAMap() throws {
        try expectError(MessagePack.encode(.array([1, 2, 3])), .invalidRequest)
        try expectError(MessagePack.encode(.string("system.ping")), .invalidRequest)
        try expectError(MessagePack.encode(42), .invalidRequest)
    }

    @Test func aMissingOrWrongVersion() throws {
        try expectError(MessagePack.encode(.map(["id": 1, "method": "system.ping"])), .invalidRequest)
        try expectError(MessagePack.encode(.map(["v": 2, "id": 1, "method": "system.ping"])), .invalidRequest, id: 1)
        try expectError(MessagePack.encode(.map(["v": "1", "id": 1, "method": "system.ping"])), .invalidRequest)
    }

    @Test func anUnknownMethod() throws {
        try expectError(request("system.shutdown"), .unknownMethod, id: 7)
        try expectError(request("Technique.Get"), .invalidRequest)
        try expectError(request("a." + String(repeating: "b", count: 63)), .invalidRequest)
    }

    @Test func wrongParamTypes() throws {
        try expectError(request("technique.get", ["id": 5]), .invalidArgument, field: "id", id: 7)
        try expectError(request("technique.list", ["limit": "ten"]), .invalidArgument, field: "limit")
        try expectError(request("technique.list", ["include_revoked": 1]), .invalidArgument, field: "include_revoked")
        try expectError(request("technique.get"), .invalidArgument, field: "id")
        try expectError(request("technique.get", ["id": "T1059", "verbose": true]), .invalidArgument, field: "verbose")
        try expectError(request("catalog.import", ["files": "all of them"]), .invalidArgument, field: "files")
        try expectError(
            MessagePack.encode(.map(["v": 1, "id": 1, "method": "system.ping", "params": .array([])])), .invalidRequest)
    }

    @Test func aFrameOverTheSizeLimit() throws {
        let big = String(repeating: "x", count: Self.frameLimit + 1)
        try expectError(request("technique.get", ["id": .string(big)]), .resourceExhausted, id: .nil)
    }

    @Test func aFrameOverTheHardLimitDropsOnlyThatConnection() throws {
        let huge = Data(count: Self.frameLimit * 5 + 100_000)
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try ZMQSocket(context, .dealer)
        defer { socket.close() }
        try socket.connect(daemon.daemon.rpcEndpoint)
        try socket.setReceiveTimeout(1000)
        try socket.send([Data(), request("technique.get", ["id": .binary(huge)])])
        // Everyone else is served as before; the sender gets no reply.
        try expectUnchangedAndServing()
        #expect(try socket.receive() == nil)
    }

    @Test func nestingOneHundredDeep() throws {
        var nested: MessagePackValue = .array([])
        for _ in 0..<100 { nested = .array([nested]) }
        try expectError(request("technique.get", ["id": nested]), .invalidRequest, id: .nil)
    }

    @Test func anArrayHeaderDeclaringTwoBillionElements() throws {
        try expectError(Data([0xdd, 0x80, 0x00, 0x00, 0x00]), .invalidRequest)
        var body = Data([0x84, 0xa1, 0x76, 0x01, 0xa2, 0x69, 0x64, 0x01])
        body += Data([0xa6] + Array("method".utf8) + [0xab] + Array("system.ping".utf8))
        body += Data([0xa6] + Array("params".utf8) + [0xdf, 0x80, 0x00, 0x00, 0x00])
        try expectError(body, .invalidRequest)
    }

    @Test func aStringThatIsNotUTF8() throws {
        var body = Data([0x83, 0xa1, 0x76, 0x01, 0xa2, 0x69, 0x64, 0x01])
        body += Data([0xa6] + Array("method".utf8) + [0xa3, 0xff, 0xfe, 0xfd])
        try expectError(body, .invalidRequest)
        let params = RequestEnvelope(id: 1, method: "technique.get", params: ["id": "T1"], auth: daemon.adminKey)
            .encoded()
        var broken = params
        let range = try #require(broken.range(of: Data("T1".utf8)))
        broken.replaceSubrange(range, with: Data([0xc3, 0x28]))
        try expectError(broken, .invalidRequest)
    }

    @Test func aTruncatedCatalogFile() throws {
        let content = try Data(contentsOf: TestData.icsBundle).prefix(100_000)
        try expectError(
            request("catalog.import", ["files": .array([.map(["name": "ics.json", "content": .binary(content)])])]),
            .invalidArgument, field: "files")
    }

    @Test func aMalformedCatalogFile() throws {
        let bundle = """
            {"type": "bundle", "objects": [{"type": "attack-pattern", "id": "attack-pattern--x", "name": 12}]}
            """
        let reply = try daemon.raw(
            request("catalog.import", ["files": .array([.map(["name": "x.json", "content": .binary(Data(bundle.utf8))])])]))
        guard case .failure(let error) = reply.outcome else {
            Issue.record("expected an error")
            return
        }
        #expect(error.code == .invalidArgument)
        #expect(error.details?["file"] == "x.json")
        #expect(error.details?["object_id"] == "attack-pattern--x")
        try expectUnchangedAndServing()
    }

    @Test func aServerSidePathIsNeverAccepted() throws {
        try expectError(
            request("catalog.import", ["files": .array([.map(["name": "/etc/passwd", "content": .binary(Data("{}".utf8))])])]),
            .invalidArgument, field: "files[0].name")
        try expectError(request("catalog.import", ["path": "/etc/passwd"]), .invalidArgument)
    }

    @Test func aKeyThatDoesNotExist() throws {
        try expectError(request("technique.get", ["id": "T9999"]), .notFound, id: 7)
        try expectError(request("actor.get", ["id": "G9999"]), .notFound)
        try expectError(request("mitigation.get", ["id": "M9999"]), .notFound)
        try expectError(request("technique.list", ["tactic": "TA9999"]), .notFound)
    }

    @Test func aCallWithoutAuth() throws {
        try expectError(request("catalog.status", auth: false), .unauthenticated, id: 7)
        try expectError(request("catalog.import", ["files": .array([])], auth: false), .unauthenticated)
    }

    @Test func anAuthThatIsNotAString() throws {
        try expectError(
            MessagePack.encode(.map(["v": 1, "id": 1, "method": "catalog.status", "auth": 12345])), .invalidRequest)
    }

    @Test func aBadCursor() throws {
        try expectError(request("technique.list", ["cursor": "not-ours"]), .invalidArgument, field: "cursor")
        try expectError(request("tactic.list", ["cursor": "not-ours"]), .invalidArgument, field: "cursor")
        try expectError(request("technique.list", ["limit": 5000]), .invalidArgument, field: "limit")
    }
}
