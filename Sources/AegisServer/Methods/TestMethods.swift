import AegisApp
import AegisDomain
import Foundation

/// `test.*`.
enum TestMethods {
    static let all: [MethodHandler] = [
        .method("test.create", CreateParams.self) { p, scope in
            try service(scope).create(techniqueID: p.techniqueID, fields: p.fields, sourceRef: p.sourceRef)
        },
        .method("test.create_from_template", FromTemplateParams.self) { p, scope in
            try service(scope).createFromTemplate(
                templateID: p.templateID, inputs: p.inputs ?? [:], platform: p.platform, executor: p.executor,
                fields: TestService.Fields(name: p.name, assignees: p.assignees, targets: p.targets, blind: p.blind))
        },
        .method("test.get", IDParams.self) { p, scope in try service(scope).get(id: p.id) },
        .method("test.list", ListParams.self) { p, scope in
            try service(scope).list(
                techniqueID: p.techniqueID, state: p.state, outcome: p.outcome, assignee: p.assignee,
                target: p.target, sourceRef: p.sourceRef, updatedSince: p.updatedSince, limit: p.limit,
                cursor: p.cursor)
        },
        .method("test.update", UpdateParams.self) { p, scope in
            try service(scope).update(id: p.id, version: p.version, fields: p.fields)
        },
        .method("test.retest", VersionedIDParams.self) { p, scope in
            try service(scope).retest(id: p.id, version: p.version)
        },
        .method("test.timeline", TimelineParams.self) { p, scope in
            try service(scope).timeline(id: p.id, limit: p.limit, cursor: p.cursor)
        },
        .method("test.update_remediation", RemediationParams.self) { p, scope in
            try service(scope).updateRemediation(
                id: p.id, version: p.version, owner: p.owner, dueAt: p.dueAt, doneAt: p.doneAt)
        },
        move("test.submit_red", SubmitRedParams.self) { p in
            .submitRed(
                .init(
                    outcome: p.outcome, attackStartedAt: p.attackStartedAt, attackStoppedAt: p.attackStoppedAt,
                    commands: p.commands ?? [], notes: p.notes ?? ""))
        },
        move("test.submit_blue", SubmitBlueParams.self) { p in
            .submitBlue(
                .init(
                    prevented: p.prevented, alerted: p.alerted, alertSeverity: p.alertSeverity,
                    logged: p.logged ?? false, detectedAt: p.detectedAt, detectingTools: p.detectingTools ?? [],
                    notes: p.notes ?? ""))
        },
        move("test.approve", SideParams.self) { p in .approve(p.side) },
        move("test.reject", RejectParams.self) { p in .reject(p.side, reason: p.reason) },
        move("test.reopen", ReasonParams.self) { p in .reopen(reason: p.reason ?? "") },
        move("test.cancel", ReasonParams.self) { p in .cancel(reason: p.reason) },
        move("test.mark_ready", VersionedIDParams.self) { _ in .markReady },
        move("test.start", VersionedIDParams.self) { _ in .start },
        move("test.pause", VersionedIDParams.self) { _ in .pause },
        move("test.resume", VersionedIDParams.self) { _ in .resume },
        move("test.start_review", VersionedIDParams.self) { _ in .startReview },
    ]

    private static func service(_ scope: RequestScope) -> TestService { TestService(env: scope.env, context: scope.context) }

    /// A state-machine move: params carry `id`, `version` and what the move needs.
    private static func move<P: Decodable & Sendable & Identified>(
        _ name: String, _ params: P.Type, _ action: @escaping @Sendable (P) throws -> TestAction
    ) -> MethodHandler {
        .method(name, params) { p, scope in try service(scope).transition(id: p.id, version: p.version, try action(p)) }
    }

    struct CreateParams: Decodable, Sendable {
        var techniqueID: String
        var fields: TestService.Fields
        var sourceRef: String?

        enum CodingKeys: String, CodingKey {
            case name, procedure, platform, executor, command, assignees, targets, blind
            case techniqueID = "technique_id"
            case expectedDetection = "expected_detection"
            case sourceRef = "source_ref"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            techniqueID = try c.decode(String.self, forKey: .techniqueID)
            sourceRef = try c.decodeIfPresent(String.self, forKey: .sourceRef)
            fields = try TestService.Fields(
                name: c.decode(String.self, forKey: .name), procedure: c.decodeIfPresent(String.self, forKey: .procedure),
                platform: c.decodeIfPresent(String.self, forKey: .platform),
                executor: c.decodeIfPresent(String.self, forKey: .executor),
                command: c.decodeIfPresent(String.self, forKey: .command),
                expectedDetection: c.decodeIfPresent(String.self, forKey: .expectedDetection),
                assignees: c.decodeIfPresent([String].self, forKey: .assignees),
                targets: c.decodeIfPresent([String].self, forKey: .targets),
                blind: c.decodeIfPresent(Bool.self, forKey: .blind))
        }
    }

    struct UpdateParams: Decodable, Sendable, Identified {
        var id: String
        var version: Int
        var fields: TestService.Fields

        enum CodingKeys: String, CodingKey {
            case id, version, name, procedure, platform, executor, command, assignees, targets, blind
            case expectedDetection = "expected_detection"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            version = try c.decode(Int.self, forKey: .version)
            fields = try TestService.Fields(
                name: c.decodeIfPresent(String.self, forKey: .name),
                procedure: c.decodeIfPresent(String.self, forKey: .procedure),
                platform: c.decodeIfPresent(String.self, forKey: .platform),
                executor: c.decodeIfPresent(String.self, forKey: .executor),
                command: c.decodeIfPresent(String.self, forKey: .command),
                expectedDetection: c.decodeIfPresent(String.self, forKey: .expectedDetection),
                assignees: c.decodeIfPresent([String].self, forKey: .assignees),
                targets: c.decodeIfPresent([String].self, forKey: .targets),
                blind: c.decodeIfPresent(Bool.self, forKey: .blind))
        }
    }

    struct FromTemplateParams: Decodable, Sendable {
        var templateID: String
        var inputs: [String: String]?
        var platform: String?
        var executor: String?
        var name: String?
        var assignees: [String]?
        var targets: [String]?
        var blind: Bool?
        enum CodingKeys: String, CodingKey {
            case inputs, platform, executor, name, assignees, targets, blind
            case templateID = "template_id"
        }
    }

    struct ListParams: Decodable, Sendable {
        var techniqueID: String?
        var state: TestState?
        var outcome: TestOutcome?
        var assignee: String?
        var target: String?
        var sourceRef: String?
        var updatedSince: Date?
        var limit: Int?
        var cursor: String?
        enum CodingKeys: String, CodingKey {
            case state, outcome, assignee, target, limit, cursor
            case techniqueID = "technique_id"
            case sourceRef = "source_ref"
            case updatedSince = "updated_since"
        }
    }

    struct TimelineParams: Decodable, Sendable {
        var id: String
        var limit: Int?
        var cursor: String?
    }

    struct SubmitRedParams: Decodable, Sendable, Identified {
        var id: String
        var version: Int
        var outcome: RedResult.Outcome
        var attackStartedAt: Date?
        var attackStoppedAt: Date?
        var commands: [String]?
        var notes: String?
        enum CodingKeys: String, CodingKey {
            case id, version, outcome, commands, notes
            case attackStartedAt = "attack_started_at"
            case attackStoppedAt = "attack_stopped_at"
        }
    }

    struct SubmitBlueParams: Decodable, Sendable, Identified {
        var id: String
        var version: Int
        var prevented: BlueResult.Prevention
        var alerted: Bool
        var alertSeverity: BlueResult.Severity?
        var logged: Bool?
        var detectedAt: Date?
        var detectingTools: [String]?
        var notes: String?
        enum CodingKeys: String, CodingKey {
            case id, version, prevented, alerted, logged, notes
            case alertSeverity = "alert_severity"
            case detectedAt = "detected_at"
            case detectingTools = "detecting_tools"
        }
    }

    struct SideParams: Decodable, Sendable, Identified {
        var id: String
        var version: Int
        var side: TeamSide
    }

    struct RejectParams: Decodable, Sendable, Identified {
        var id: String
        var version: Int
        var side: TeamSide
        var reason: String
    }

    struct ReasonParams: Decodable, Sendable, Identified {
        var id: String
        var version: Int
        var reason: String?
    }

    /// Remediation fields: absent leaves a field alone, nil clears it.
    struct RemediationParams: Decodable, Sendable {
        var id: String
        var version: Int
        var owner: String??
        var dueAt: Date??
        var doneAt: Date??
        enum CodingKeys: String, CodingKey {
            case id, version, owner
            case dueAt = "due_at"
            case doneAt = "done_at"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            version = try c.decode(Int.self, forKey: .version)
            func optional<T: Decodable>(_ key: CodingKeys, _ type: T.Type) throws -> T?? {
                guard c.contains(key) else { return .none }
                return try c.decodeNil(forKey: key) ? .some(nil) : .some(try c.decode(T.self, forKey: key))
            }
            owner = try optional(.owner, String.self)
            dueAt = try optional(.dueAt, Date.self)
            doneAt = try optional(.doneAt, Date.self)
        }
    }
}

/// Params naming a versioned object.
protocol Identified {
    var id: String { get }
    var version: Int { get }
}

extension VersionedIDParams: Identified {}
