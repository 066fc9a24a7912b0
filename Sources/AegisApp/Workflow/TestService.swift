import AegisDomain
import Foundation

/// `test.*`: the purple-team workflow. Every mutation quotes the test's
/// version, runs in one transaction with its audit row, its events and its
/// notifications, and recalculates the technique's status when it moves it.
public struct TestService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// The editable fields of a test.
    public struct Fields: Sendable {
        public var name: String?
        public var procedure: String?
        public var platform: String?
        public var executor: String?
        public var command: String?
        public var expectedDetection: String?
        public var assignees: [String]?
        /// Host names, addresses or agent ids (`TestTargets`); the whole list.
        public var targets: [String]?
        public var blind: Bool?

        public init(
            name: String? = nil, procedure: String? = nil, platform: String? = nil, executor: String? = nil,
            command: String? = nil, expectedDetection: String? = nil, assignees: [String]? = nil,
            targets: [String]? = nil, blind: Bool? = nil
        ) {
            self.name = name
            self.procedure = procedure
            self.platform = platform
            self.executor = executor
            self.command = command
            self.expectedDetection = expectedDetection
            self.assignees = assignees
            self.targets = targets
            self.blind = blind
        }
    }

    // MARK: Creating

    /// A new test in `draft`. With `sourceRef` (`TestSourceRef`), a test
    /// that already holds it makes this `ALREADY_EXISTS` with `details.id`
    /// = that test's id, and nothing is written.
    public func create(techniqueID: String, fields: Fields, sourceRef: String? = nil) throws -> TestView {
        let techniqueID = try AttackID.technique(techniqueID, field: "technique_id")
        let sourceRef = try sourceRef.map { try TestSourceRef.validate($0, field: "source_ref") }
        let principal = try context.requirePrincipal()
        let now = env.clock.now()
        let test = try withExistingSource(sourceRef) {
            try context.session.write { repos in
                if let sourceRef, let existing = try repos.tests.test(sourceRef: sourceRef) {
                    throw Self.sourceTaken(sourceRef, id: existing.id)
                }
                guard try repos.catalog.technique(id: techniqueID) != nil else {
                    throw AegisError.notFound("technique", techniqueID)
                }
                var test = TestCase(
                    id: env.crypto.newID(prefix: "tst_"), techniqueID: techniqueID, name: "", sourceRef: sourceRef,
                    createdAt: now, createdBy: principal.actorID)
                var changes = try apply(fields, to: &test, repos: repos, creating: true)
                if let sourceRef { changes["source_ref"] = .string(sourceRef) }
                try repos.tests.insert(test)
                try created(test, changes: changes, repos: repos, now: now)
                return test
            }
        }
        return TestView(test, at: now)
    }

    /// Runs `body`; when another writer inserted a test with `sourceRef`
    /// after `body` looked (the unique index refused the row), answers
    /// `ALREADY_EXISTS` with that test's id, read after the rollback.
    private func withExistingSource<T>(_ sourceRef: String?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AegisError where error.code == .alreadyExists && error.details["id"] == nil {
            guard let sourceRef,
                let existing = try context.session.read({ try $0.tests.test(sourceRef: sourceRef) })
            else { throw error }
            throw Self.sourceTaken(sourceRef, id: existing.id)
        }
    }

    private static func sourceTaken(_ sourceRef: String, id: String) -> AegisError {
        AegisError(
            .alreadyExists, "test \(id) was already made from \(sourceRef)",
            details: ["field": "source_ref", "kind": "test", "id": .string(id)])
    }

    /// A test from a template: its commands rendered with `inputs`.
    public func createFromTemplate(
        templateID: String, inputs: [String: String], platform: String?, executor: String?, fields: Fields
    ) throws -> TestView {
        let principal = try context.requirePrincipal()
        let platform = try platform.map { try Validate.text($0, field: "platform", max: 64, required: false) }
        let executor = try executor.map { try Validate.text($0, field: "executor", max: 64, required: false) }
        let now = env.clock.now()
        let test = try context.session.write { repos in
            guard let template = try repos.templates.template(id: templateID) else {
                throw AegisError.notFound("template", templateID)
            }
            guard try repos.catalog.technique(id: template.techniqueID) != nil else {
                throw AegisError.failedPrecondition(
                    "the template's technique \(template.techniqueID) is not in the catalog",
                    details: ["technique_id": .string(template.techniqueID)])
            }
            let chosen = try TemplateRendering.executor(for: template, platform: platform, name: executor)
            let rendered = try TemplateRendering.render(template, executor: chosen, inputs: inputs)
            var test = TestCase(
                id: env.crypto.newID(prefix: "tst_"), techniqueID: template.techniqueID, name: template.name,
                procedure: template.description, platform: platform ?? chosen.platforms.first ?? "",
                executor: chosen.name, command: rendered.command, templateID: template.id, createdAt: now,
                createdBy: principal.actorID)
            var changes = try apply(fields, to: &test, repos: repos, creating: true)
            changes["template_id"] = .string(template.id)
            try repos.tests.insert(test)
            try created(test, changes: changes, repos: repos, now: now)
            return test
        }
        return TestView(test, at: now)
    }

    /// A new test re-running a validated or cancelled one, in the same
    /// procedure, ready to start.
    public func retest(id: String, version: Int) throws -> TestView {
        let principal = try context.requirePrincipal()
        let now = env.clock.now()
        let test = try context.session.write { repos in
            let old = try load(repos, id: id, version: version)
            guard old.state == .validated || old.state == .cancelled else {
                throw AegisError(
                    .invalidTransition, "only a validated or cancelled test can be re-run",
                    details: ["from": .string(old.state.rawValue), "to": "ready", "action": "retest"])
            }
            let test = TestCase(
                id: env.crypto.newID(prefix: "tst_"), techniqueID: old.techniqueID, name: old.name,
                procedure: old.procedure, platform: old.platform, executor: old.executor, command: old.command,
                expectedDetection: old.expectedDetection, assignees: old.assignees, targets: old.targets, blind: old.blind, state: .ready,
                procedureID: old.procedureID, templateID: old.templateID, retestOf: old.id, createdAt: now,
                createdBy: principal.actorID)
            try repos.tests.insert(test)
            try created(test, changes: ["retest_of": .string(old.id)], repos: repos, now: now)
            try Notifier(repos: repos, env: env, now: now).testMoved(test, action: .markReady)
            return test
        }
        return TestView(test, at: now, chain: [], retests: [])
    }

    private func created(_ test: TestCase, changes: [String: Value], repos: any Repositories, now: Date) throws {
        try ChangeLog(repos: repos, env: env, context: context, now: now).record(
            "test.create", "test", test.id, changes: changes, event: .testCreated,
            payload: [
                "technique_id": .string(test.techniqueID), "state": .string(test.state.rawValue),
                // Events reach every subscriber: nothing blind mode may hide.
                "version": .int(Int64(test.version)),
            ])
        try TechniqueStatusKeeper(repos: repos, env: env, context: context, now: now).refresh(test.techniqueID)
    }

    // MARK: Changing

    public func update(id: String, version: Int, fields: Fields) throws -> TestView {
        let now = env.clock.now()
        let test = try context.session.write { repos in
            var test = try load(repos, id: id, version: version)
            guard TestWorkflow.isEditable(test.state) else {
                throw AegisError(
                    .invalidTransition, "a test can be edited only while draft or ready",
                    details: ["from": .string(test.state.rawValue), "to": .string(test.state.rawValue), "action": "update"])
            }
            let changes = try apply(fields, to: &test, repos: repos, creating: false)
            test.version += 1
            test.updatedAt = now
            try save(test, repos: repos, assigneesChanged: fields.assignees != nil, targetsChanged: fields.targets != nil)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "test.update", "test", id, changes: changes, event: .testUpdated, payload: updated(test, changes))
            return test
        }
        return TestView(test, at: now)
    }

    /// Moves the test through its state machine.
    public func transition(id: String, version: Int, _ action: TestAction) throws -> TestView {
        let principal = try context.requirePrincipal()
        try authorizeSide(of: action, principal)
        let now = env.clock.now()
        let test = try context.session.write { repos in
            let old = try load(repos, id: id, version: version)
            let test = try TestWorkflow.apply(action, to: old, by: principal.actorID, at: now)
            try save(test, repos: repos)
            let log = ChangeLog(repos: repos, env: env, context: context, now: now)
            var changes: [String: Value] = ["state": .string(test.state.rawValue)]
            switch action {
            case .reject(let side, let reason):
                changes["side"] = .string(side.rawValue)
                changes["reason"] = .string(reason)
            case .reopen(let reason):
                changes["reason"] = .string(reason)
            case .cancel:
                // As kept on the test: trimmed, and none when blank.
                if let reason = test.cancelReason { changes["reason"] = .string(reason) }
            case .approve(let side):
                changes["side"] = .string(side.rawValue)
            default: break
            }
            if let outcome = test.outcome, old.outcome != outcome { changes["outcome"] = .string(outcome.rawValue) }
            let payload: [String: Value] = [
                "technique_id": .string(test.techniqueID), "from": .string(old.state.rawValue),
                "to": .string(test.state.rawValue), "action": .string(action.name), "version": .int(Int64(test.version)),
            ]
            try log.record("test.\(action.name)", "test", id, changes: changes, event: .testStateChanged, payload: payload)
            if test.state == .validated {
                try repos.events.append(
                    DomainEvent(
                        type: .testValidated, subject: .init(kind: "test", id: id), actor: principal.actorID,
                        payload: [
                            "technique_id": .string(test.techniqueID), "outcome": .text(test.outcome?.rawValue),
                            "version": .int(Int64(test.version)),
                        ]),
                    source: env.instanceID, at: now)
            }
            if case .reopen(let reason) = action {
                try repos.events.append(
                    DomainEvent(
                        type: .testReopened, subject: .init(kind: "test", id: id), actor: principal.actorID,
                        payload: ["technique_id": .string(test.techniqueID), "reason": .string(reason)]),
                    source: env.instanceID, at: now)
            }
            try Notifier(repos: repos, env: env, now: now).testMoved(test, action: action)
            switch action {
            case .approve, .reopen, .cancel:
                let coverage = TechniqueStatusKeeper(repos: repos, env: env, context: context, now: now)
                if old.state == .validated || test.state == .validated {
                    try repos.tests.refreshProcedure(test.procedureID, techniqueID: test.techniqueID)
                }
                try coverage.refresh(test.techniqueID)
            default: break
            }
            return test
        }
        return TestView(test, at: now)
    }

    /// Who fixes a missed or logged result, by when, and when it was done.
    public func updateRemediation(id: String, version: Int, owner: String??, dueAt: Date??, doneAt: Date??) throws
        -> TestView
    {
        let now = env.clock.now()
        let test = try context.session.write { repos in
            var test = try load(repos, id: id, version: version)
            guard test.state == .validated || test.state == .awaitingValidation else {
                throw AegisError(
                    .invalidTransition, "remediation follows the blue side's results",
                    details: ["from": .string(test.state.rawValue), "to": .string(test.state.rawValue), "action": "update_remediation"])
            }
            var changes: [String: Value] = [:]
            if let owner {
                test.remediation.owner = try owner.map { try Validate.text($0, field: "owner", max: 200) }
                changes["owner"] = .text(test.remediation.owner)
            }
            if let dueAt {
                test.remediation.dueAt = dueAt
                changes["due_at"] = .date(dueAt)
            }
            if let doneAt {
                test.remediation.doneAt = doneAt
                changes["done_at"] = .date(doneAt)
            }
            test.version += 1
            test.updatedAt = now
            try save(test, repos: repos)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "test.update_remediation", "test", id, changes: changes, event: .testUpdated,
                payload: updated(test, changes))
            return test
        }
        return TestView(test, at: now)
    }

    /// The payload of `test.updated`: which fields changed, unless blind
    /// mode hides that (the redacted timeline has no `changes`).
    private func updated(_ test: TestCase, _ changes: [String: Value]) -> [String: Value] {
        [
            "version": .int(Int64(test.version)),
            "fields": test.isRedactedWhileBlind ? .null : .strings(changes.keys.sorted()),
        ]
    }

    // MARK: Reading

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

    // MARK: Helpers

    private func load(_ repos: any Repositories, id: String, version: Int) throws -> TestCase {
        guard let test = try repos.tests.test(id: id) else { throw AegisError.notFound("test", id) }
        try Versioning.check(kind: "test", current: test.version, given: version)
        return test
    }

    private func save(
        _ test: TestCase, repos: any Repositories, assigneesChanged: Bool = false, targetsChanged: Bool = false
    ) throws {
        guard try repos.tests.update(test, assigneesChanged: assigneesChanged, targetsChanged: targetsChanged) else {
            throw AegisError(.conflict, "the test changed meanwhile; read it again", details: [:])
        }
    }

    /// Approving or rejecting a side is that side's lead's call.
    private func authorizeSide(of action: TestAction, _ principal: Principal) throws(AegisError) {
        let side: TeamSide
        switch action {
        case .approve(let s), .reject(let s, _): side = s
        default: return
        }
        let lead: Role = side == .red ? .redLead : .blueLead
        guard principal.has(.admin) || principal.has(lead) else {
            throw AegisError(
                .permissionDenied, "only the \(side.rawValue) lead can \(action.name) the \(side.rawValue) side",
                details: ["side": .string(side.rawValue)])
        }
    }

    /// Validates and writes `fields` into `test`; returns what changed.
    private func apply(_ fields: Fields, to test: inout TestCase, repos: any Repositories, creating: Bool) throws
        -> [String: Value]
    {
        var changes: [String: Value] = [:]
        if let name = fields.name {
            test.name = try Validate.text(name, field: "name", max: 200)
            changes["name"] = .string(test.name)
        } else if creating && test.name.isEmpty {
            throw AegisError.invalidArgument("name", "name is required")
        }
        if let v = fields.procedure {
            test.procedure = try Validate.text(v, field: "procedure", max: 20_000, required: false)
            changes["procedure"] = .string(test.procedure)
        }
        if let v = fields.platform {
            test.platform = try Validate.text(v, field: "platform", max: 64, required: false)
            changes["platform"] = .string(test.platform)
        }
        if let v = fields.executor {
            test.executor = try Validate.text(v, field: "executor", max: 64, required: false)
            changes["executor"] = .string(test.executor)
        }
        if let v = fields.command {
            test.command = try Validate.text(v, field: "command", max: TestCase.maxCommandLength, required: false)
            changes["command"] = .string(test.command)
        }
        if let v = fields.expectedDetection {
            test.expectedDetection = try Validate.text(v, field: "expected_detection", max: 20_000, required: false)
            changes["expected_detection"] = .string(test.expectedDetection)
        }
        if let v = fields.assignees {
            let ids = try Validate.list(v, field: "assignees", maxItems: 50, maxLength: 64)
            for (i, id) in ids.enumerated() {
                guard let user = try repos.users.user(id: id), !user.disabled else {
                    throw AegisError.invalidArgument("assignees[\(i)]", "no active user \(id)")
                }
            }
            test.assignees = Array(NSOrderedSet(array: ids)).compactMap { $0 as? String }
            changes["assignees"] = .strings(test.assignees)
        }
        if let v = fields.targets {
            test.targets = try TestTargets.validate(v, field: "targets")
            changes["targets"] = .strings(test.targets)
        }
        if let v = fields.blind {
            test.blind = v
            changes["blind"] = .bool(v)
        }
        return changes
    }
}

/// Keeps `technique_status` in step with the tests, inside their transaction.
struct TechniqueStatusKeeper {
    let repos: any Repositories
    let env: AppEnvironment
    let context: CallContext
    let now: Date

    func refresh(_ techniqueID: String) throws {
        let (latest, live) = try repos.tests.coverage(techniqueID: techniqueID)
        let status = TechniqueStatus.aggregate(latestValidated: latest, hasOtherTests: live)
        let old = try repos.tests.status(techniqueID: techniqueID)
        guard status != old else { return }
        try repos.tests.setStatus(status, techniqueID: techniqueID, at: now)
        try repos.events.append(
            DomainEvent(
                type: .techniqueStatusChanged, subject: .init(kind: "technique", id: techniqueID),
                actor: context.actorID, payload: ["from": .string(old.rawValue), "to": .string(status.rawValue)]),
            source: env.instanceID, at: now)
    }
}
