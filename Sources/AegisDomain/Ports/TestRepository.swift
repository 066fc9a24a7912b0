import Foundation

/// Tests, their lineage, and the per-technique status they give.
public protocol TestRepository {
    func insert(_ test: TestCase) throws
    /// Writes `test` if the stored version is `test.version - 1`; false if
    /// not. `assigneesChanged` and `targetsChanged` say whether the assignee
    /// and target indexes need rewriting.
    func update(_ test: TestCase, assigneesChanged: Bool, targetsChanged: Bool) throws -> Bool
    func test(id: String) throws -> TestCase?
    /// The test made from `sourceRef` (`TestSourceRef`), if any.
    func test(sourceRef: String) throws -> TestCase?
    func tests(matching query: TestQuery) throws -> Page<TestCase>
    /// Ids of tests that re-run `id`, oldest first.
    func retests(of id: String) throws -> [String]
    /// Recomputes the outcome of the latest validated test of `procedureID`
    /// (runs red reported `failed` do not count), after one of its tests was
    /// validated, reopened or cancelled.
    func refreshProcedure(_ procedureID: String, techniqueID: String) throws
    /// The distinct outcomes of the procedures of a technique (each
    /// procedure counted by its latest validated test), and whether the
    /// technique has any test that is not cancelled.
    func coverage(techniqueID: String) throws -> (latestValidated: [TestOutcome], hasLiveTests: Bool)
    func status(techniqueID: String) throws -> TechniqueStatus
    func setStatus(_ status: TechniqueStatus, techniqueID: String, at: Date) throws
    /// Statuses of the given techniques (absent: untested).
    func statuses(techniqueIDs: [String]) throws -> [String: TechniqueStatus]
}

extension TestRepository {
    /// Writes `test` (see `update(_:assigneesChanged:targetsChanged:)`) with
    /// its targets unchanged.
    public func update(_ test: TestCase, assigneesChanged: Bool) throws -> Bool {
        try update(test, assigneesChanged: assigneesChanged, targetsChanged: false)
    }
}

/// Filters of `test.list`, ordered by `updated_at` then id.
public struct TestQuery: Sendable, Equatable {
    public var techniqueID: String?
    public var state: TestState?
    public var outcome: TestOutcome?
    public var assignee: String?
    /// Tests with a target that `TestTargets.matches` this one.
    public var target: String?
    /// With `target`: leave out tests redacted while blind (blind, red not
    /// submitted), whose targets the caller may not see.
    public var targetSkipsRedacted: Bool
    /// The test with exactly this `sourceRef`.
    public var sourceRef: String?
    /// With `sourceRef`: leave out tests redacted while blind.
    public var sourceRefSkipsRedacted: Bool
    public var updatedSince: Date?
    public var page: PageRequest

    public init(
        techniqueID: String? = nil, state: TestState? = nil, outcome: TestOutcome? = nil, assignee: String? = nil,
        target: String? = nil, targetSkipsRedacted: Bool = false, sourceRef: String? = nil,
        sourceRefSkipsRedacted: Bool = false, updatedSince: Date? = nil, page: PageRequest = PageRequest()
    ) {
        self.techniqueID = techniqueID
        self.state = state
        self.outcome = outcome
        self.assignee = assignee
        self.target = target
        self.targetSkipsRedacted = targetSkipsRedacted
        self.sourceRef = sourceRef
        self.sourceRefSkipsRedacted = sourceRefSkipsRedacted
        self.updatedSince = updatedSince
        self.page = page
    }
}
