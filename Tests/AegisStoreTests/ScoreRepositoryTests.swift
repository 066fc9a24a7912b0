import AegisApp
import AegisDomain
import Foundation
import Testing

@testable import AegisStore
import AegisTestSupport

/// Scoring's inputs come from maintained aggregates; they must equal what
/// the procedures themselves give, on both stores.
@Suite struct ScoreRepositoryTests {
    let dir: TemporaryDirectory
    let url: String
    let store: any StoreProvider
    let session: any StoreSession

    init() throws {
        dir = try TemporaryDirectory()
        url = try TestStore.freshURL(in: dir.url)
        store = try TestStore.open(url)
        session = try store.openSession()
        let files = [try TestData.file(TestData.icsBundle)]
        let known = try session.read { try $0.catalog.attackIDsByStixID() }
        let bundles = try CatalogImporter(crypto: TestCrypto()).bundles(from: files, knownIDs: known)
        _ = try session.write { repos in try bundles.map { try repos.catalog.importBundle($0, at: Date()) } }
    }

    func validated(_ id: String, technique: String, outcome: TestOutcome, daysAgo: Double, now: Date, procedure: String? = nil)
        -> TestCase
    {
        var test = TestCase(
            id: id, techniqueID: technique, name: id, procedureID: procedure, createdAt: now, createdBy: "t")
        test.state = .validated
        test.outcome = outcome
        test.validatedAt = now.addingTimeInterval(-daysAgo * 86_400)
        return test
    }

    @Test func maintainedFreshnessMatchesTheProceduresExactly() throws {
        let now = Date()
        // Procedures of T0803 validated 0-300 days ago (inside the horizon),
        // one 500 days ago (worth nothing), then a retest that replaces one.
        let ages: [Double] = [0, 1.5, 29, 31, 95, 180, 300, 500]
        try session.write { repos in
            for (i, age) in ages.enumerated() {
                let test = validated("tst_\(i)", technique: "T0803", outcome: i % 2 == 0 ? .detected : .missed, daysAgo: age, now: now)
                try repos.tests.insert(test)
                try repos.tests.refreshProcedure(test.procedureID, techniqueID: "T0803")
            }
        }
        // A retest of procedure tst_6 (300 days) validated 2 days ago: its
        // freshness moves from the old period to the new.
        try session.write { repos in
            let retest = validated("tst_r", technique: "T0803", outcome: .prevented, daysAgo: 2, now: now, procedure: "tst_6")
            try repos.tests.insert(retest)
            try repos.tests.refreshProcedure("tst_6", techniqueID: "T0803")
        }
        let row = try #require(try session.read { try $0.scores.scoreRows(.technique("T0803"), domain: "ics-attack", now: now) }.first)
        let current = ages.enumerated().map { i, age in i == 6 ? 2 : age }
        let exact = current.map { Freshness.of(validatedAt: now.addingTimeInterval(-$0 * 86_400), now: now) }.reduce(0, +)
        #expect(abs(row.evidence.freshness - exact) < 0.001, "\(row.evidence.freshness) vs \(exact)")
        #expect(row.evidence.procedures == 8)
        #expect(row.evidence.prevented == 1)
        #expect(row.evidence.detected == 3)
        #expect(row.evidence.missed == 4)
        #expect(row.tactics == ["inhibit-response-function"])
    }

    @Test func reopeningAValidatedTestTakesItOutOfTheAggregates() throws {
        let now = Date()
        var test = validated("tst_a", technique: "T0803", outcome: .detected, daysAgo: 10, now: now)
        try session.write { repos in
            try repos.tests.insert(test)
            try repos.tests.refreshProcedure(test.procedureID, techniqueID: "T0803")
        }
        test.state = .awaitingValidation
        test.version = 2
        try session.write { repos in
            #expect(try repos.tests.update(test, assigneesChanged: false))
            try repos.tests.refreshProcedure(test.procedureID, techniqueID: "T0803")
        }
        let row = try #require(try session.read { try $0.scores.scoreRows(.technique("T0803"), domain: "ics-attack", now: now) }.first)
        #expect(row.evidence.procedures == 0)
        #expect(row.evidence.freshness == 0)
        #expect(try TestStore.integer("SELECT sum(procedures) FROM technique_freshness", at: url) == 0)
    }
}
