/// A Caldera ability (`GET /api/v2/abilities`): one procedure, for an
/// ATT&CK technique, with a command per platform and executor.
public struct CalderaAbility: Sendable, Equatable, Decodable {
    public var abilityID: String
    public var name: String
    public var description: String
    public var tactic: String
    /// As Caldera has it; may be empty or not an ATT&CK id.
    public var techniqueID: String
    public var techniqueName: String
    public var executors: [CalderaExecutor]
    /// `Elevated`, or empty.
    public var privilege: String
    public var plugin: String

    public init(
        abilityID: String, name: String, description: String = "", tactic: String = "", techniqueID: String,
        techniqueName: String = "", executors: [CalderaExecutor], privilege: String = "", plugin: String = ""
    ) {
        self.abilityID = abilityID
        self.name = name
        self.description = description
        self.tactic = tactic
        self.techniqueID = techniqueID
        self.techniqueName = techniqueName
        self.executors = executors
        self.privilege = privilege
        self.plugin = plugin
    }

    enum CodingKeys: String, CodingKey {
        case name, description, tactic, executors, privilege, plugin
        case abilityID = "ability_id"
        case techniqueID = "technique_id"
        case techniqueName = "technique_name"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        abilityID = try c.decode(String.self, forKey: .abilityID)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        tactic = try c.decodeIfPresent(String.self, forKey: .tactic) ?? ""
        techniqueID = try c.decodeIfPresent(String.self, forKey: .techniqueID) ?? ""
        techniqueName = try c.decodeIfPresent(String.self, forKey: .techniqueName) ?? ""
        executors = try c.decodeIfPresent([CalderaExecutor].self, forKey: .executors) ?? []
        privilege = try c.decodeIfPresent(String.self, forKey: .privilege) ?? ""
        plugin = try c.decodeIfPresent(String.self, forKey: .plugin) ?? ""
    }
}

/// How an ability (or a link) runs on one platform.
public struct CalderaExecutor: Sendable, Equatable, Decodable {
    /// `sh`, `psh`, `cmd`, `pwsh`...
    public var name: String
    /// `linux`, `darwin`, `windows`...
    public var platform: String
    /// nil for executors that run code or payloads instead of a command.
    public var command: String?
    /// Seconds the agent lets the command run.
    public var timeout: Int?
    public var cleanup: [String]
    public var payloads: [String]

    public init(
        name: String, platform: String, command: String?, timeout: Int? = nil, cleanup: [String] = [],
        payloads: [String] = []
    ) {
        self.name = name
        self.platform = platform
        self.command = command
        self.timeout = timeout
        self.cleanup = cleanup
        self.payloads = payloads
    }

    enum CodingKeys: String, CodingKey { case name, platform, command, timeout, cleanup, payloads }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        platform = try c.decodeIfPresent(String.self, forKey: .platform) ?? ""
        command = try c.decodeIfPresent(String.self, forKey: .command)
        timeout = try? c.decodeIfPresent(Int.self, forKey: .timeout)
        cleanup = (try? c.decodeIfPresent([String].self, forKey: .cleanup)) ?? []
        payloads = (try? c.decodeIfPresent([String].self, forKey: .payloads)) ?? []
    }
}
