import AegisDomain
import AegisStore
import Foundation

/// Fills a stopped daemon's SQLite store with validated tests, through the
/// store's own repositories (so the coverage rows are maintained exactly as
/// the workflow maintains them), for the analytics benchmarks.
enum Seed {
    /// Adds `count` validated tests spread over every enterprise technique,
    /// with outcomes cycling through missed, logged, detected, prevented and
    /// validation dates spread over the last 400 days. With `varied`, each
    /// technique gets a maturity of its own instead (a fifth untested, the
    /// rest mostly missed, logged, detected or prevented), for sample
    /// pictures. Returns the seconds taken.
    static func tests(_ count: Int, storePath: String, domain: String = "enterprise-attack", varied: Bool = false) throws
        -> Double
    {
        let started = Date()
        let store = try SQLiteStore(path: storePath)
        defer { store.close() }
        let session = try store.openSession()
        var techniques: [String] = []
        var after: String?
        repeat {
            let page = try session.read { repos in
                try repos.catalog.techniques(
                    matching: TechniqueQuery(domain: domain, page: PageRequest(limit: PageRequest.maxLimit, after: after)))
            }
            techniques += page.items.map(\.id)
            after = page.nextKey
        } while after != nil
        guard !techniques.isEmpty else { throw BenchError("no \(domain) techniques to seed tests for") }
        // A stable maturity per technique, 0-4 (FNV-1a of its id).
        func maturity(_ id: String) -> Int {
            Int(id.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 } % 5)
        }
        if varied { techniques = techniques.filter { maturity($0) > 0 } }
        let outcomes: [TestOutcome] = [.missed, .logged, .detected, .prevented]
        let now = Date()
        let batch = 10_000
        var made = 0
        while made < count {
            let upTo = min(count, made + batch)
            try session.write { repos in
                for i in made..<upTo {
                    let technique = techniques[i % techniques.count]
                    let created = now.addingTimeInterval(-Double(i % 400) * 86_400 - 3_600)
                    var test = TestCase(
                        id: String(format: "tst_seed%010d", i), techniqueID: technique, name: "seeded \(i)",
                        blind: false, createdAt: created, createdBy: "bench")
                    let outcome =
                        varied
                        ? outcomes[max(0, min(3, maturity(technique) - 1 - (i % 4 == 0 ? 1 : 0)))]
                        : outcomes[(i / techniques.count) % outcomes.count]
                    test.state = .validated
                    test.version = 9
                    test.outcome = outcome
                    test.red = RedResult(
                        outcome: .executed, attackStartedAt: created, attackStoppedAt: created.addingTimeInterval(600),
                        commands: ["seed"], notes: "", submittedAt: created.addingTimeInterval(600), submittedBy: "bench")
                    test.blue = BlueResult(
                        prevented: outcome == .prevented ? .full : .none, alerted: outcome >= .detected,
                        alertSeverity: nil, logged: outcome >= .logged,
                        detectedAt: outcome >= .detected ? created.addingTimeInterval(300) : nil, detectingTools: [],
                        notes: "", submittedAt: created.addingTimeInterval(1_200), submittedBy: "bench")
                    test.validatedAt = created.addingTimeInterval(1_800)
                    test.updatedAt = created.addingTimeInterval(1_800)
                    if outcome <= .logged {
                        test.remediation = Remediation(
                            owner: "blue-team", dueAt: created.addingTimeInterval(30 * 86_400),
                            doneAt: i % 3 == 0 ? created.addingTimeInterval(7 * 86_400) : nil)
                    }
                    try repos.tests.insert(test)
                    try repos.tests.refreshProcedure(test.procedureID, techniqueID: technique)
                }
            }
            made = upTo
        }
        try session.write { repos in
            for technique in techniques {
                let coverage = try repos.tests.coverage(techniqueID: technique)
                let status = TechniqueStatus.aggregate(
                    latestValidated: coverage.latestValidated, hasOtherTests: coverage.hasLiveTests)
                try repos.tests.setStatus(status, techniqueID: technique, at: now)
            }
        }
        return Date().timeIntervalSince(started)
    }
}
