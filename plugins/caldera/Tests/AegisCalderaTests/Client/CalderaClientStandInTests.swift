import CalderaTestSupport
import Foundation
import Testing

@testable import AegisCaldera

/// The REST client against the stand-in serving responses recorded from a
/// real Caldera 5.3: every endpoint, both ways of signing in, and faults.
@Suite struct CalderaClientStandInTests {
    let standIn: CalderaStandIn
    let recordings: Recordings

    init() throws {
        standIn = try CalderaStandIn()
        recordings = standIn.recordings
    }

    /// Generous timeouts: on two shared cores a busy test run can hold a
    /// call up for seconds.
    func client(_ credentials: CalderaSettings.Credentials = .key(CalderaStandIn.key), timeout: Double = 60)
        -> CalderaClient
    {
        CalderaClient(settings: CalderaSettings(url: standIn.url, credentials: credentials, requestTimeout: timeout))
    }

    static let login = CalderaSettings.Credentials.login(user: CalderaStandIn.user, password: CalderaStandIn.password)

    @Test func standInServesEveryReadEndpointWithTheKey() async throws {
        let caldera = client()
        let health = try await caldera.health()
        #expect(health.application == "Caldera")
        #expect(health.version == "5.3.0")
        #expect(health.access == "RED")
        #expect(health.plugins == ["stockpile"])

        let abilities = try await caldera.abilities()
        #expect(abilities.count > 100)
        let echo = try #require(abilities.first { $0.abilityID == "aegis-rec-echo" })
        #expect(echo.techniqueID == "T1082")
        #expect(echo.executors.first?.command == "echo aegis-recorded")
        #expect(try await caldera.ability(id: "aegis-rec-echo") == echo)

        let adversaries = try await caldera.adversaries()
        let recorded = try #require(adversaries.first { $0.adversaryID == "aegis-rec-adversary" })
        #expect(recorded.atomicOrdering.first == "aegis-rec-echo")
        #expect(recorded.atomicOrdering.count == 6)

        let operations = try await caldera.operations()
        #expect(operations.map(\.name) == ["aegis-record", "nightly-empty"])
        #expect(operations.first?.group == "aegis-rec")
        #expect(try await caldera.operations(matching: .namePrefix("nightly")).map(\.name) == ["nightly-empty"])
        #expect(try await caldera.operations(matching: .group("aegis-rec")).map(\.name) == ["aegis-record"])
        let operation = try await caldera.operation(id: recordings.operationID)
        #expect(operation.name == "aegis-record")
        #expect(operation.adversaryID == "aegis-rec-adversary")

        let links = try await caldera.links(operationID: recordings.operationID)
        #expect(links.count == 7)
        #expect(Set(links.map(\.status)) == [0, 1, 124])
        let first = try #require(links.first)
        #expect(first.host == "aegis-rec01.lab.example")
        #expect(first.paw == "aegisrec")
        #expect(first.collect != nil && first.finish != nil && first.decide != nil)
        #expect(try await caldera.link(operationID: recordings.operationID, linkID: first.id) == first)
    }

    @Test func standInLinkResultsDecodeOutputAndEmptyResults() async throws {
        let caldera = client()
        let links = try await caldera.links(operationID: recordings.operationID)
        var outputs: [String: CalderaLinkOutput?] = [:]
        for link in links {
            let (read, output) = try await caldera.linkResult(operationID: recordings.operationID, linkID: link.id)
            #expect(read.id == link.id)
            outputs[link.ability.abilityID] = output
        }
        #expect(outputs["aegis-rec-echo"] == CalderaLinkOutput(stdout: "aegis-recorded\n", exitCode: "0"))
        let error = try #require(outputs["aegis-rec-error"] ?? nil)
        #expect(error.exitCode == "1")
        #expect(error.stderr.contains("invalid time interval"))
        #expect(outputs["aegis-rec-false"] == .some(nil), "`false` prints nothing: Caldera gives result \"\"")
        #expect(outputs["aegis-rec-true"] == .some(nil))
        #expect(outputs["aegis-rec-timeout"]??.exitCode == "124")
    }

    @Test func standInAcceptsTheSessionCookieAndSignsInOnce() async throws {
        let caldera = client(Self.login)
        #expect(try await caldera.health().access == "RED")
        #expect(try await caldera.links(operationID: recordings.operationID).count == 7)
        #expect(standIn.count("POST", "/enter") == 1)
    }

    @Test func standInExpiredSessionSignsInAgainOnce() async throws {
        let caldera = client(Self.login)
        _ = try await caldera.health()
        standIn.expireSessions()
        #expect(try await caldera.health().version == "5.3.0")
        #expect(standIn.count("POST", "/enter") == 2)
        #expect(standIn.count("GET", "/api/v2/health") == 3, "the refused request, then its retry")
    }

    @Test func standInWrongPasswordIsALoginFailure() async throws {
        let caldera = client(.login(user: CalderaStandIn.user, password: "wrong"))
        await #expect(throws: CalderaError.loginFailed) { try await caldera.health() }
    }

    @Test func standInWrongKeyIs401() async throws {
        await #expect(throws: CalderaError.unauthorized) { try await client(.key("NOT-THE-KEY")).health() }
        // With a key there is nothing to sign in again with: one request.
        #expect(standIn.count("GET", "/api/v2/health") == 1)
    }

    @Test func standIn500IsAServerError() async throws {
        standIn.inject(.status(500, "500: Internal Server Error"), on: "/api/v2/operations")
        let error = await #expect(throws: CalderaError.self) { try await client().operations() }
        #expect(error == .server(status: 500, message: "500: Internal Server Error"))
        #expect(error?.isTransient == true)
    }

    @Test func standInMalformedJSONIsMalformed() async throws {
        standIn.inject(.body(#"[{"id": "x", "name": "#), on: "/api/v2/operations")
        let error = await #expect(throws: CalderaError.self) { try await client().operations() }
        guard case .malformed? = error else { Issue.record("\(String(describing: error))"); return }
        // A well-formed body of the wrong shape too.
        standIn.inject(.body(#"{"operations": []}"#), on: "/api/v2/operations")
        let shape = await #expect(throws: CalderaError.self) { try await client().operations() }
        guard case .malformed? = shape else { Issue.record("\(String(describing: shape))"); return }
        // And a link result that is not base64.
        standIn.clearFaults()
        standIn.serve(
            "GET", "/api/v2/operations/op1/links/l1/result",
            json: try linkResultBody(result: "%%% not base64 %%%"))
        let result = await #expect(throws: CalderaError.self) {
            try await client().linkResult(operationID: "op1", linkID: "l1")
        }
        #expect(result == .malformed("the link result is not base64"))
    }

    @Test func standInDownIsUnreachable() async throws {
        let url = try CalderaStandIn.unusedURL()
        let caldera = CalderaClient(settings: CalderaSettings(url: url, credentials: .key("k"), requestTimeout: 60))
        let error = await #expect(throws: CalderaError.self) { try await caldera.health() }
        guard case .unreachable? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(error?.isTransient == true)
    }

    @Test func standInSlowAnswerTimesOut() async throws {
        // The answer comes after 30 s; the client gives up at its 0.5 s.
        standIn.inject(.delay(30), on: "/api/v2/health")
        await #expect(throws: CalderaError.timedOut(0.5)) { try await client(timeout: 0.5).health() }
    }

    @Test func standInOversizedAnswerIsRefused() async throws {
        standIn.inject(.oversized(2 << 20), on: "/api/v2/abilities")
        let settings = CalderaSettings(
            url: standIn.url, credentials: .key(CalderaStandIn.key), requestTimeout: 60, maxResponseBytes: 1 << 20)
        await #expect(throws: CalderaError.tooLarge(limit: 1 << 20)) {
            try await CalderaClient(settings: settings).abilities()
        }
    }

    @Test func standInUnknownOperationIs404AndBadIdsAreNotSent() async throws {
        let error = await #expect(throws: CalderaError.self) { try await client().operation(id: "no-such-operation") }
        #expect(error == .notFound("Operation not found: no-such-operation"))
        let bad = await #expect(throws: CalderaError.self) { try await client().links(operationID: "../health") }
        guard case .invalidArgument? = bad else { Issue.record("\(String(describing: bad))"); return }
        #expect(standIn.requests.allSatisfy { !$0.contains("..") })
    }

    @Test func standInCreatesOperationsAndPushesLinks() async throws {
        let caldera = client()
        let operation = try await caldera.createOperation(
            CalderaOperationRequest(name: "aegis-record", adversaryID: "aegis-rec-adversary", group: "aegis-rec"))
        #expect(operation.name == "aegis-record")
        #expect(operation.state == "running")
        let pushed = try await caldera.pushLink(
            operationID: recordings.operationID,
            CalderaPotentialLink(
                paw: "aegisrec", command: "echo pushed-by-aegis", abilityName: "Aegis pushed command",
                tactic: "execution", techniqueID: "T1059.004"))
        #expect(pushed.command == "echo pushed-by-aegis")
        #expect(pushed.status == -3, "queued for the agent")
        #expect(pushed.finish == nil)
    }

    @Test func requestsEncodeAsCalderaReadsThem() throws {
        let operation = try JSONSerialization.jsonObject(
            with: JSONEncoder().encode(CalderaOperationRequest(name: "n", adversaryID: "a", group: "g", plannerID: "p")))
            as? [String: Any]
        #expect((operation?["adversary"] as? [String: String]) == ["adversary_id": "a"])
        #expect((operation?["planner"] as? [String: String]) == ["id": "p"])
        #expect(operation?["source"] == nil)
        let link = try JSONSerialization.jsonObject(
            with: JSONEncoder().encode(
                CalderaPotentialLink(paw: "p", command: "echo", abilityName: "x", techniqueID: "T1059")))
            as? [String: Any]
        #expect((link?["executor"] as? [String: Any])?["command"] as? String == "echo")
        #expect((link?["ability"] as? [String: Any])?["technique_id"] as? String == "T1059")
    }

    func linkResultBody(result: String) throws -> Data {
        let exchange = try recordings.named("link-0-result")
        guard var object = try exchange.json() as? [String: Any] else { throw Recordings.RecordingMissing(name: "link") }
        object["result"] = result
        return try JSONSerialization.data(withJSONObject: object)
    }
}
