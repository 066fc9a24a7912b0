import AegisDomain
import Foundation

/// Turns finished Caldera links into intake plans for Aegis tests. Pure:
/// what the catalog holds comes in as `techniqueExists`.
///
/// - technique: the ability's `technique_id`; one the catalog lacks is
///   filed under its parent when the parent exists, else skipped;
/// - `command` and executor: the link's;
/// - red's outcome: `executed` for status 0, `failed` for 1, `failed` with a
///   timeout note for 124; negative statuses are not finished yet;
/// - attack start: `collect` (the agent took it), else `decide`; stop: `finish`;
/// - target: the agent's `host`, else its paw;
/// - the output: one red evidence file (none when it printed nothing).
public enum LinkIntake {
    /// Red's limits in `test.submit_red` and the test's in `test.create`.
    enum Limit {
        static let name = 200
        static let procedure = 20_000
        static let field = 64
        static let command = 100_000
        static let redCommand = 20_000
        static let notes = 20_000
    }

    public static func decide(
        _ link: CalderaLink, operation: CalderaOperation, output: CalderaLinkOutput?,
        techniqueExists: (String) -> Bool
    ) -> LinkIntakeDecision {
        guard CalderaLink.Status.isFinished(link.status), let finish = link.finish else {
            return .pending(linkID: link.id, reason: "not finished (status \(link.status))")
        }
        var notes: [String] = []
        let outcome: RedResult.Outcome
        switch link.status {
        case CalderaLink.Status.success: outcome = .executed
        case CalderaLink.Status.error: outcome = .failed
        case CalderaLink.Status.timeout:
            outcome = .failed
            let limit = link.executor?.timeout.map { " (\($0) s)" } ?? ""
            notes.append("timed out: the agent stopped the command at its timeout\(limit) (status 124)")
        default:
            return .skipped(linkID: link.id, reason: "status \(link.status) is not one Caldera gives a finished link")
        }

        let techniqueID: String
        switch TechniqueReference.resolve(link.ability.techniqueID, exists: techniqueExists) {
        case .known(let id): techniqueID = id
        case .parent(let parent, let unknown):
            techniqueID = parent
            notes.append("\(unknown) is not in the catalog: filed under its parent \(parent)")
        case .unknown(let id):
            let shown = id.isEmpty ? "no technique" : "technique \(id.prefix(40))"
            return .skipped(linkID: link.id, reason: "\(shown) is not in the catalog, nor a parent of it")
        }

        var started = Self.inRange(link.collect ?? link.decide)
        let stopped = Self.inRange(finish)
        if let start = started, let stop = stopped, stop < start {
            notes.append("finish is before the start: the start is taken as the finish")
            started = stop
        }
        if stopped == nil { notes.append("finish is outside 1970-9999: left out") }

        let host = link.host.trimmingCharacters(in: .whitespacesAndNewlines)
        let targets = [host, link.paw].compactMap { try? TestTargets.validate($0, field: "targets") }.prefix(1)

        let command = Self.clip(link.command, Limit.command)
        var redNotes = "Imported from Caldera: operation \(operation.name) (\(operation.id)), link \(link.id)"
        redNotes += ", agent \(link.paw)" + (host.isEmpty ? "" : " on \(host)") + ", status \(link.status)"
        if let code = output?.exitCode { redNotes += ", exit code \(code)" }
        redNotes += "."
        if !notes.isEmpty { redNotes += "\n" + notes.joined(separator: "\n") }

        let abilityName = link.ability.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = Self.clip(abilityName.isEmpty ? "Caldera link \(link.id)" : abilityName, Limit.name)
        return .importing(
            LinkIntakePlan(
                linkID: link.id, operationID: operation.id, operationName: operation.name, techniqueID: techniqueID,
                name: name, procedure: Self.clip(link.ability.description, Limit.procedure),
                platform: Self.clip(link.executor?.platform ?? "", Limit.field),
                executor: Self.clip(link.executor?.name ?? "", Limit.field), command: command,
                targets: Array(targets),
                red: .init(
                    outcome: outcome, attackStartedAt: started, attackStoppedAt: stopped,
                    commands: command.isEmpty ? [] : [Self.clip(command, Limit.redCommand)],
                    notes: Self.clip(redNotes, Limit.notes)),
                evidence: output.flatMap { Self.evidence(link, operation: operation, output: $0) }, notes: notes))
    }

    /// The output as a text file, or nil when there was none.
    static func evidence(_ link: CalderaLink, operation: CalderaOperation, output: CalderaLinkOutput)
        -> LinkIntakePlan.Evidence?
    {
        guard !output.isEmpty else { return nil }
        var text = "Caldera link \(link.id), operation \(operation.name) (\(operation.id))\n"
        text += "agent \(link.paw)" + (link.host.isEmpty ? "" : " on \(link.host)") + "\n"
        text += "command: \(link.command)\nstatus: \(link.status)\n"
        if let code = output.exitCode { text += "exit code: \(code)\n" }
        text += "\n--- stdout ---\n\(output.stdout)"
        if !output.stdout.isEmpty && !output.stdout.hasSuffix("\n") { text += "\n" }
        text += "--- stderr ---\n\(output.stderr)"
        if !output.stderr.isEmpty && !output.stderr.hasSuffix("\n") { text += "\n" }
        return .init(
            filename: "caldera-link-\(link.id).txt", caption: "Caldera output of link \(link.id)",
            content: Data(text.utf8))
    }

    /// Dates Aegis accepts (1970 to 9999), else nil.
    static func inRange(_ date: Date?) -> Date? {
        guard let date, TimestampRange.dates.contains(date) else { return nil }
        return date
    }

    static func clip(_ text: String, _ max: Int) -> String {
        text.count <= max ? text : String(text.prefix(max - 1)) + "…"
    }
}

/// The links already imported, so none becomes a second test: the plugin
/// keeps it, and a link is recorded once its test exists.
public struct LinkIntakeLedger: Sendable, Equatable {
    public private(set) var imported: Set<String>

    public init(imported: Set<String> = []) { self.imported = imported }

    public func contains(_ linkID: String) -> Bool { imported.contains(linkID) }

    /// Records a link whose test now exists; false when it already was.
    @discardableResult
    public mutating func record(_ linkID: String) -> Bool { imported.insert(linkID).inserted }

    /// The decisions for the links not imported yet, in their order.
    public func decide(
        _ links: [CalderaLink], operation: CalderaOperation, outputs: [String: CalderaLinkOutput],
        techniqueExists: (String) -> Bool
    ) -> [LinkIntakeDecision] {
        links.filter { !imported.contains($0.id) }.map {
            LinkIntake.decide($0, operation: operation, output: outputs[$0.id], techniqueExists: techniqueExists)
        }
    }
}
