import AegisDomain
import Foundation

/// Reading tests: one with its retest chain, a filtered list, a timeline.
extension TestService {
    public func get(id: String) throws -> TestView {
        let principal = try context.requirePrincipal()
        let now = env.clock.now()
        return try context.session.read { repos in
            guard let test = try repos.tests.test(id: id) else { throw AegisError.notFound("test", id) }
            // The chain: back through retest_of, then forward through retests.
            var back: [String] = []
            var cursor = test.retestOf
            while let previous = cursor, back.count < 100, let t = try repos.tests.test(id: previous) {
                back.insert(previous, at: 0)
                cursor = t.retestOf
            }
            var forward: [String] = []
            var next = try repos.tests.retests(of: id)
            let retests = next
            while let first = next.first, forward.count < 100 {
                forward.append(first)
                next = try repos.tests.retests(of: first) + next.dropFirst()
            }
            return TestView(
                test, at: now, chain: back + [id] + forward, retests: retests, redacted: principal.seesRedacted(test))
        }
    }

    /// Tests matching every filter given. `target` matches as
    /// `TestTargets.matches`, and only tests whose targets the caller sees;
    /// `sourceRef` finds the test made from it, when the caller sees it
    /// unredacted.
    public func list(
        techniqueID: String?, state: TestState?, outcome: TestOutcome?, assignee: String?, target: String? = nil,
        sourceRef: String? = nil, updatedSince: Date?, limit: Int?, cursor: String?
    ) throws -> ListResult<TestView> {
        let principal = try context.requirePrincipal()
        let query = TestQuery(
            techniqueID: try techniqueID.map { try AttackID.technique($0, field: "technique_id") }, state: state,
            outcome: outcome, assignee: assignee,
            target: try target.map { try TestTargets.validate($0, field: "target") },
            targetSkipsRedacted: principal.seesBlindTestsBlind,
            sourceRef: try sourceRef.map { try TestSourceRef.validate($0, field: "source_ref") },
            sourceRefSkipsRedacted: principal.seesBlindTestsBlind, updatedSince: updatedSince,
            page: try Cursor.pageRequest(limit: limit, cursor: cursor))
        let now = env.clock.now()
        let page = try context.session.read { try $0.tests.tests(matching: query) }
        return ListResult(
            page.map { TestView($0, at: now, retests: [], redacted: principal.seesRedacted($0)) })
    }

    /// What happened to a test, oldest first, from the audit trail.
    public func timeline(id: String, limit: Int?, cursor: String?) throws -> ListResult<AuditEntry> {
        let principal = try context.requirePrincipal()
        let query = AuditQuery(entityKind: "test", entityID: id, page: try Cursor.pageRequest(limit: limit, cursor: cursor))
        return try context.session.read { repos in
            guard let test = try repos.tests.test(id: id) else { throw AegisError.notFound("test", id) }
            var page = try repos.audit.entries(matching: query)
            if principal.seesRedacted(test) {
                page.items = page.items.map { var e = $0; e.changes = [:]; return e }
            }
            return ListResult(page)
        }
    }
}
