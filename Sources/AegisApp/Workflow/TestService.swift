import AegisDomain
import Foundation

/// `test.*`: the purple-team workflow. Every mutation quotes the test's
/// version, runs in one transaction with its audit row, its events and its
/// notifications, and recalculates the technique's status when it moves it.
///
/// Its parts: creating (`TestService+Create.swift`), editing
/// (`+Changes`), moving through the state machine (`+Transitions`) and
/// reading (`+Reads`).
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

    // MARK: Helpers shared by the parts

    func load(_ repos: any Repositories, id: String, version: Int) throws -> TestCase {
        guard let test = try repos.tests.test(id: id) else { throw AegisError.notFound("test", id) }
        try Versioning.check(kind: "test", current: test.version, given: version)
        return test
    }

    func save(
        _ test: TestCase, repos: any Repositories, assigneesChanged: Bool = false, targetsChanged: Bool = false
    ) throws {
        guard try repos.tests.update(test, assigneesChanged: assigneesChanged, targetsChanged: targetsChanged) else {
            throw AegisError(.conflict, "the test changed meanwhile; read it again", details: [:])
        }
    }

    /// Validates and writes `fields` into `test`; returns what changed.
    func apply(_ fields: Fields, to test: inout TestCase, repos: any Repositories, creating: Bool) throws
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
