import AegisDomain
import Foundation

/// Creating tests: from scratch, from a template, or re-running one.
extension TestService {
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
}
