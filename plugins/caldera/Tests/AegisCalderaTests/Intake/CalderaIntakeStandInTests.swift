import CalderaTestSupport
import Foundation
import Testing

@testable import AegisCaldera

/// A whole look at the stand-in: operations, links, results, decisions.
@Suite struct CalderaIntakeStandInTests {
    static let catalog: Set<String> = ["T1082", "T1059", "T1059.004", "T1070.003", "T1497.003"]

    @Test func standInLookDecidesEveryRecordedLinkOnce() async throws {
        let standIn = try CalderaStandIn()
        let client = CalderaClient(
            settings: CalderaSettings(url: standIn.url, credentials: .key(CalderaStandIn.key), operations: .group("aegis-rec"), requestTimeout: 60))
        let intake = CalderaIntake(client: client)
        var ledger = LinkIntakeLedger()
        let look = try await intake.look(ledger: ledger, techniqueExists: { Self.catalog.contains($0) })
        #expect(look.failures.isEmpty)
        let plans = look.decisions.compactMap { decision -> LinkIntakePlan? in
            if case .importing(let plan) = decision { return plan }
            return nil
        }
        #expect(plans.count == 7)
        #expect(plans.filter { $0.evidence != nil }.count == 5)
        // Links without output cost no result request.
        #expect(standIn.requests.filter { $0.hasSuffix("/result") }.count == 5)
        for plan in plans { ledger.record(plan.linkID) }
        let again = try await intake.look(ledger: ledger, techniqueExists: { Self.catalog.contains($0) })
        #expect(again.decisions.isEmpty)
    }

    @Test func standInOperationThatFailsIsReportedAndTheOthersRead() async throws {
        let standIn = try CalderaStandIn()
        let recordings = standIn.recordings
        standIn.inject(.status(500, "boom"), on: "/api/v2/operations/\(recordings.operationID)/links")
        let client = CalderaClient(
            settings: CalderaSettings(url: standIn.url, credentials: .key(CalderaStandIn.key), requestTimeout: 60))
        let look = try await CalderaIntake(client: client).look(ledger: LinkIntakeLedger(), techniqueExists: { _ in true })
        #expect(look.failures.map(\.operationID) == [recordings.operationID])
        #expect(look.failures.first?.error == .server(status: 500, message: "boom"))
    }

    /// Links imported per second from the stand-in: 1,000 links built from
    /// the recorded `link-0` (synthetic ids, recorded shape and result),
    /// each with its result fetched over HTTP.
    @Test func standInThousandLinksThroughput() async throws {
        let standIn = try CalderaStandIn()
        try standIn.serveSyntheticLinks(count: 1000)
        let client = CalderaClient(
            settings: CalderaSettings(url: standIn.url, credentials: .key(CalderaStandIn.key), operations: .group("aegis-rec"), requestTimeout: 60))
        let started = Date()
        let look = try await CalderaIntake(client: client).look(
            ledger: LinkIntakeLedger(), techniqueExists: { Self.catalog.contains($0) })
        let seconds = Date().timeIntervalSince(started)
        let imported = look.decisions.filter { if case .importing = $0 { true } else { false } }.count
        #expect(imported == 1000)
        print("caldera intake (stand-in): \(imported) links in \(String(format: "%.2f", seconds)) s, \(Int(Double(imported) / seconds)) links/s")
    }
}
