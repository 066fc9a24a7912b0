import AegisDomain
import Foundation

/// A test red started that the plugin may run through Caldera: what Aegis
/// holds of it.
public struct TestToRun: Sendable, Equatable {
    public var id: String
    public var name: String
    public var techniqueID: String
    /// As rendered from the template (its inputs filled in).
    public var command: String
    public var executor: String
    public var platform: String
    public var targets: [String]
    /// The Caldera ability its template was imported from.
    public var abilityID: String

    public init(
        id: String, name: String, techniqueID: String, command: String, executor: String, platform: String,
        targets: [String], abilityID: String
    ) {
        self.id = id
        self.name = name
        self.techniqueID = techniqueID
        self.command = command
        self.executor = executor
        self.platform = platform
        self.targets = targets
        self.abilityID = abilityID
    }
}

/// Running a test through Caldera: which agent its targets name, and the
/// potential link that pushes its command there. Pure: Caldera's agents
/// and ability come in as values.
public enum TestRun {
    /// The ability description of a link the plugin pushed for `testID`:
    /// how it finds its links again after a restart.
    public static func description(testID: String) -> String { "Run by Aegis for test \(testID)" }

    /// The test a link was pushed for, from its ability description.
    public static func testID(fromDescription text: String) -> String? {
        let prefix = "Run by Aegis for test "
        guard text.hasPrefix(prefix) else { return nil }
        let id = text.dropFirst(prefix.count).prefix { !$0.isWhitespace }
        return id.isEmpty ? nil : String(id)
    }

    /// The agent the targets name: a target equal to its paw (ignoring
    /// case), or naming its host as `test.list {target}` matches
    /// (`TestTargets.matches`). The first target that names one wins;
    /// among its agents, trusted ones first, then the last seen.
    public static func agent(for targets: [String], among agents: [CalderaAgent]) -> CalderaAgent? {
        for target in targets {
            let named = agents.filter { agent in
                agent.paw.lowercased() == target.lowercased()
                    || (!agent.host.isEmpty && (try? TestTargets.validate(agent.host, field: "host")) != nil
                        && TestTargets.matches(agent.host, filter: target))
            }
            let best = named.sorted { a, b in
                if a.trusted != b.trusted { return a.trusted }
                return (a.lastSeen ?? .distantPast) > (b.lastSeen ?? .distantPast)
            }.first
            if let best { return best }
        }
        return nil
    }

    /// The potential link for `test`, or why it cannot run through Caldera.
    /// `group`: the agent group the plugin's operation runs against (nil:
    /// every agent).
    public static func plan(
        _ test: TestToRun, ability: CalderaAbility?, agents: [CalderaAgent], group: String?
    ) -> Result<(agent: CalderaAgent, link: CalderaPotentialLink), Refusal> {
        guard !test.command.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .failure(Refusal("it has no command"))
        }
        guard let agent = agent(for: test.targets, among: agents) else {
            let named =
                test.targets.isEmpty
                ? "it has no targets" : "no agent is named by its targets (\(test.targets.joined(separator: ", ")))"
            return .failure(Refusal("\(named): give the agent's paw or host as a target"))
        }
        guard agent.trusted else {
            return .failure(Refusal("agent \(agent.paw) is not trusted (it stopped beaconing)"))
        }
        if let group, agent.group != group {
            return .failure(
                Refusal("agent \(agent.paw) is in group \(agent.group), the plugin runs tests in group \(group)"))
        }
        guard let executor = agent.executors.first(where: { $0.lowercased() == test.executor.lowercased() }) else {
            return .failure(
                Refusal(
                    "agent \(agent.paw) has no executor \(test.executor) (it has \(agent.executors.joined(separator: ", ")))"
                ))
        }
        if !test.platform.isEmpty, !samePlatform(test.platform, agent.platform) {
            return .failure(Refusal("the test is for \(test.platform), agent \(agent.paw) runs \(agent.platform)"))
        }
        let abilityExecutor = ability?.executors.first {
            $0.name.lowercased() == executor.lowercased() && samePlatform($0.platform, agent.platform)
        }
        let link = CalderaPotentialLink(
            paw: agent.paw, executorName: executor, platform: agent.platform, command: test.command,
            timeout: abilityExecutor?.timeout ?? 60, abilityID: test.abilityID,
            abilityName: String(test.name.prefix(200)), abilityDescription: description(testID: test.id),
            tactic: ability?.tactic ?? "", techniqueID: test.techniqueID, techniqueName: ability?.techniqueName ?? "")
        return .success((agent, link))
    }

    /// `macos` and `darwin` are one platform; case does not matter.
    static func samePlatform(_ a: String, _ b: String) -> Bool {
        func key(_ p: String) -> String { p.lowercased() == "macos" ? "darwin" : p.lowercased() }
        return key(a) == key(b)
    }

    /// Why a test does not run through Caldera.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public init(_ reason: String) { self.reason = reason }
        public var description: String { reason }
    }
}
