import Foundation

/// Users and their sessions. Passwords and tokens are stored as hashes only.
public protocol UserRepository {
    func insert(_ user: User, passwordHash: String) throws
    func update(_ user: User) throws
    func setPassword(userID: String, passwordHash: String, changedAt: Date) throws
    func user(id: String) throws -> User?
    func user(username: String) throws -> User?
    func passwordHash(userID: String) throws -> String?
    /// Ordered by username.
    func users(text: String?, role: Role?, includeDisabled: Bool, page: PageRequest) throws -> Page<User>
    /// Users holding `role` and not disabled.
    func userIDs(withRole role: Role) throws -> [String]

    func insertSession(_ session: Session, tokenHash: String) throws
    func session(tokenHash: String) throws -> Session?
    func revokeSession(id: String, at: Date) throws
    /// Revokes every open session of `userID` except `keeping`; returns how many.
    @discardableResult
    func revokeSessions(userID: String, except keeping: String?, at: Date) throws -> Int
}

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

/// Attack procedure templates.
public protocol TemplateRepository {
    func insert(_ template: Template) throws
    func update(_ template: Template) throws -> Bool
    func delete(id: String) throws -> Bool
    func template(id: String) throws -> Template?
    /// The template imported earlier from the same source entry.
    func template(format: Template.Source.Format, sourceID: String) throws -> Template?
    func templates(techniqueID: String?, format: Template.Source.Format?, text: String?, page: PageRequest) throws
        -> Page<Template>
}

/// Evidence metadata; content is in the `BlobStore`.
public protocol EvidenceRepository {
    func insert(_ evidence: Evidence) throws
    func evidence(id: String) throws -> Evidence?
    /// One page of a test's evidence ordered by `uploadedAt`, then `id`;
    /// only `side`'s when it is given.
    func evidence(testID: String, side: TeamSide?, page: PageRequest) throws -> Page<Evidence>
    func delete(id: String) throws
    /// How many evidence rows still point at a blob.
    func references(sha256: String) throws -> Int
}

/// The append-only audit trail.
public protocol AuditRepository {
    func append(_ entry: AuditEntry) throws
    func entries(matching query: AuditQuery) throws -> Page<AuditEntry>
    /// How many `auth.login_failed` entries have the sign-in key `key` as
    /// their entity id since `since`, and the oldest of them (for the login
    /// rate limit).
    func loginFailures(key: String, since: Date) throws -> (count: Int, oldest: Date?)
}

/// Users' notifications.
public protocol NotificationRepository {
    func insert(_ notification: UserNotification) throws
    func notifications(userID: String, unreadOnly: Bool, page: PageRequest) throws -> Page<UserNotification>
    /// Marks the given ids (all of the user's when nil) read; returns how many.
    func markRead(userID: String, ids: [String]?, at: Date) throws -> Int
}

/// Content-addressed file storage (evidence). Blobs are immutable and named
/// by their SHA-256; putting the same content twice stores it once.
public protocol BlobStore: Sendable {
    /// Moves a finished file into the store under `sha256` (verified by the
    /// caller); returns false if it was already there.
    @discardableResult
    func put(file: URL, sha256: String) throws -> Bool
    func put(data: Data, sha256: String) throws
    func size(sha256: String) throws -> Int64?
    func read(sha256: String, offset: Int64, length: Int) throws -> Data
    func remove(sha256: String) throws
}
