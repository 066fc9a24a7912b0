import Foundation

/// One command one agent ran, or will run, in an operation
/// (`GET /api/v2/operations/{id}/links`).
public struct CalderaLink: Sendable, Equatable, Decodable {
    /// Caldera's link states (`status`).
    public enum Status {
        public static let success = 0
        public static let error = 1
        public static let timeout = 124
        /// Negative statuses: not run yet (queued, paused, discarded...).
        public static func isFinished(_ status: Int) -> Bool { status >= 0 }
    }

    public var id: String
    public var paw: String
    /// The agent's host name as the agent reported it.
    public var host: String
    /// The command as run; `plaintextCommand` when Caldera gives both.
    public var command: String
    public var status: Int
    public var ability: Ability
    public var executor: CalderaExecutor?
    /// When the planner chose it, the agent took it, and its result came in.
    public var decide: Date?
    public var collect: Date?
    public var finish: Date?
    public var agentReportedTime: Date?
    public var pid: String?
    /// Caldera says "True" when a result file exists (not the output itself).
    public var hasOutput: Bool

    /// The ability as embedded in a link.
    public struct Ability: Sendable, Equatable, Decodable {
        public var abilityID: String
        public var name: String
        public var description: String
        public var tactic: String
        public var techniqueID: String
        public var techniqueName: String

        public init(
            abilityID: String, name: String, description: String = "", tactic: String = "", techniqueID: String,
            techniqueName: String = ""
        ) {
            self.abilityID = abilityID
            self.name = name
            self.description = description
            self.tactic = tactic
            self.techniqueID = techniqueID
            self.techniqueName = techniqueName
        }

        enum CodingKeys: String, CodingKey {
            case name, description, tactic
            case abilityID = "ability_id"
            case techniqueID = "technique_id"
            case techniqueName = "technique_name"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            abilityID = try c.decodeIfPresent(String.self, forKey: .abilityID) ?? ""
            name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
            description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
            tactic = try c.decodeIfPresent(String.self, forKey: .tactic) ?? ""
            techniqueID = try c.decodeIfPresent(String.self, forKey: .techniqueID) ?? ""
            techniqueName = try c.decodeIfPresent(String.self, forKey: .techniqueName) ?? ""
        }
    }

    public init(
        id: String, paw: String, host: String, command: String, status: Int, ability: Ability,
        executor: CalderaExecutor? = nil, decide: Date? = nil, collect: Date? = nil, finish: Date? = nil,
        agentReportedTime: Date? = nil, pid: String? = nil, hasOutput: Bool = false
    ) {
        self.id = id
        self.paw = paw
        self.host = host
        self.command = command
        self.status = status
        self.ability = ability
        self.executor = executor
        self.decide = decide
        self.collect = collect
        self.finish = finish
        self.agentReportedTime = agentReportedTime
        self.pid = pid
        self.hasOutput = hasOutput
    }

    enum CodingKeys: String, CodingKey {
        case id, paw, host, command, status, ability, executor, decide, collect, finish, pid, output
        case plaintextCommand = "plaintext_command"
        case agentReportedTime = "agent_reported_time"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        paw = try c.decodeIfPresent(String.self, forKey: .paw) ?? ""
        host = (try? c.decodeIfPresent(String.self, forKey: .host)) ?? ""
        let plaintext = (try? c.decodeIfPresent(String.self, forKey: .plaintextCommand)) ?? nil
        command = try plaintext ?? c.decodeIfPresent(String.self, forKey: .command) ?? ""
        status = try c.decode(Int.self, forKey: .status)
        ability = try c.decode(Ability.self, forKey: .ability)
        executor = try? c.decodeIfPresent(CalderaExecutor.self, forKey: .executor)
        decide = c.calderaDate(.decide)
        collect = c.calderaDate(.collect)
        finish = c.calderaDate(.finish)
        agentReportedTime = c.calderaDate(.agentReportedTime)
        pid = c.looseText(.pid)
        let output = c.looseText(.output) ?? ((try? c.decodeIfPresent(Bool.self, forKey: .output)) ?? false ? "True" : "")
        hasOutput = output.lowercased() == "true"
    }
}

/// What a finished link printed: `GET .../links/{id}/result` gives it as
/// base64 of JSON `{stdout, stderr, exit_code}`, or `""` when there was none.
public struct CalderaLinkOutput: Sendable, Equatable {
    public var stdout: String
    public var stderr: String
    /// As the agent reported it (a string in Caldera 5); nil when absent.
    public var exitCode: String?

    public init(stdout: String = "", stderr: String = "", exitCode: String? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
    }

    public var isEmpty: Bool { stdout.isEmpty && stderr.isEmpty }

    /// The `result` field decoded: nil for `""`. Output that is base64 of
    /// something else than that JSON (older agents) is taken as stdout;
    /// `result` that is not base64 at all is refused.
    static func decode(result: String) throws(CalderaError) -> CalderaLinkOutput? {
        let trimmed = result.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        guard let data = Data(base64Encoded: trimmed) else {
            throw .malformed("the link result is not base64")
        }
        struct Wire: Decodable {
            var stdout: String?
            var stderr: String?
            var exitCode: String?
            enum CodingKeys: String, CodingKey {
                case stdout, stderr
                case exitCode = "exit_code"
            }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                stdout = try c.decodeIfPresent(String.self, forKey: .stdout)
                stderr = try c.decodeIfPresent(String.self, forKey: .stderr)
                exitCode = c.looseText(.exitCode)
            }
        }
        if let wire = try? JSONDecoder().decode(Wire.self, from: data), wire.stdout != nil || wire.stderr != nil {
            return CalderaLinkOutput(stdout: wire.stdout ?? "", stderr: wire.stderr ?? "", exitCode: wire.exitCode)
        }
        return CalderaLinkOutput(stdout: String(decoding: data, as: UTF8.self))
    }
}

/// `POST /api/v2/operations/{id}/potential-links`: one command for one agent.
public struct CalderaPotentialLink: Sendable, Equatable, Encodable {
    public var paw: String
    public var executorName: String
    public var platform: String?
    public var command: String
    public var timeout: Int?
    /// The ability the link runs, when it is one Caldera has (else Caldera
    /// makes up an id).
    public var abilityID: String?
    public var abilityName: String
    /// Shown with the link's ability; the plugin marks its links with it.
    public var abilityDescription: String?
    public var tactic: String
    public var techniqueID: String
    public var techniqueName: String

    public init(
        paw: String, executorName: String = "sh", platform: String? = nil, command: String, timeout: Int? = nil,
        abilityID: String? = nil, abilityName: String, abilityDescription: String? = nil, tactic: String = "",
        techniqueID: String, techniqueName: String = ""
    ) {
        self.paw = paw
        self.executorName = executorName
        self.platform = platform
        self.command = command
        self.timeout = timeout
        self.abilityID = abilityID
        self.abilityName = abilityName
        self.abilityDescription = abilityDescription
        self.tactic = tactic
        self.techniqueID = techniqueID
        self.techniqueName = techniqueName
    }

    enum CodingKeys: String, CodingKey { case paw, executor, ability }
    struct Executor: Encodable {
        var name: String
        var platform: String?
        var command: String
        var timeout: Int?
    }
    struct Ability: Encodable {
        var abilityID: String?
        var name: String
        var description: String?
        var tactic: String
        var techniqueID: String
        var techniqueName: String
        enum CodingKeys: String, CodingKey {
            case name, description, tactic
            case abilityID = "ability_id"
            case techniqueID = "technique_id"
            case techniqueName = "technique_name"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(paw, forKey: .paw)
        try c.encode(Executor(name: executorName, platform: platform, command: command, timeout: timeout), forKey: .executor)
        try c.encode(
            Ability(
                abilityID: abilityID, name: abilityName, description: abilityDescription, tactic: tactic,
                techniqueID: techniqueID, techniqueName: techniqueName),
            forKey: .ability)
    }
}
