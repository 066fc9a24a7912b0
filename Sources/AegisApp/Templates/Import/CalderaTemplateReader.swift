import AegisDomain
import Foundation
import Yams

/// A Caldera ability file (`data/abilities/<tactic>/<id>.yml`): a list of
/// abilities, one template each. Both ability layouts are read: the
/// stockpile's `platforms: {linux: {sh: {command, cleanup}}}` with
/// `technique: {attack_id}`, and the newer `executors: [{platform, name,
/// command, cleanup}]` with `technique_id`. The rules are in
/// `TemplateImporter`.
enum CalderaTemplateReader {
    static func read(_ root: Node) throws(TemplateFileError) -> TemplateFileContent {
        var content = TemplateFileContent()
        let entries: [(label: String, node: Node)]
        if let list = root.sequence {
            entries = list.enumerated().map { (label(index: $0.offset, $0.element), $0.element) }
            if list.isEmpty {
                content.skipped.append(.init(entry: "abilities", reason: "empty: the file has no abilities"))
            }
        } else if let top = root.mapping {
            if isAdversaryProfile(top) {
                content.skipped.append(.init(entry: profileLabel(top), reason: profileReason))
                return content
            }
            if TemplateYAML.value(top, "atomic_tests") != nil || TemplateYAML.value(top, "attack_technique") != nil {
                throw TemplateFileError(
                    "an Atomic Red Team technique file, not Caldera abilities: import it with format atomic")
            }
            guard TemplateYAML.value(top, "platforms") != nil || TemplateYAML.value(top, "executors") != nil else {
                throw TemplateFileError(
                    "neither a list of Caldera abilities nor an adversary profile (no platforms, executors or atomic_ordering)"
                )
            }
            entries = [(label(index: nil, root), root)]
        } else {
            throw TemplateFileError("not Caldera abilities: the document is a single text value")
        }

        var ids: [String: String] = [:]
        for (label, node) in entries {
            do throws(TemplateEntryProblem) {
                if let mapping = node.mapping, isAdversaryProfile(mapping) {
                    content.skipped.append(.init(entry: label, reason: profileReason))
                    continue
                }
                switch try ability(node) {
                case .template(let draft, let warnings):
                    if let first = ids[draft.sourceID] {
                        throw TemplateEntryProblem("id", "\(draft.sourceID) is also the id of \(first)", at: node)
                    }
                    ids[draft.sourceID] = label
                    content.drafts.append(draft)
                    content.warnings += warnings.map { "\(label): \($0)" }
                case .skipped(let reason):
                    content.skipped.append(.init(entry: label, reason: reason))
                }
            } catch {
                throw TemplateFileError("\(label): \(error.text)")
            }
        }
        return content
    }

    /// An adversary profile: an ordered list of ability ids, no commands.
    static func isAdversaryProfile(_ mapping: Node.Mapping) -> Bool {
        TemplateYAML.value(mapping, "atomic_ordering") != nil || TemplateYAML.value(mapping, "phases") != nil
    }

    static let profileReason = "a Caldera adversary profile (an ordering of abilities, no commands): nothing to import"

    static func profileLabel(_ mapping: Node.Mapping) -> String {
        var label = "adversary"
        if let id = TemplateYAML.value(mapping, "id")?.scalar?.string { label += " \(id.prefix(64))" }
        if let name = TemplateYAML.value(mapping, "name")?.scalar?.string {
            label += " \(TemplateReading.quoted(name.trimmingCharacters(in: .whitespacesAndNewlines)))"
        }
        return label
    }

    /// `abilities[0] <id> "Name"`, with what can be read of the ability.
    static func label(index: Int?, _ node: Node) -> String {
        var label = index.map { "abilities[\($0)]" } ?? "ability"
        guard let ability = node.mapping else { return label }
        if isAdversaryProfile(ability) { return (index.map { "abilities[\($0)] " } ?? "") + profileLabel(ability) }
        if let id = TemplateYAML.value(ability, "id")?.scalar?.string, !id.isEmpty { label += " \(id.prefix(64))" }
        if let name = TemplateYAML.value(ability, "name")?.scalar?.string {
            label += " \(TemplateReading.quoted(name.trimmingCharacters(in: .whitespacesAndNewlines)))"
        }
        return label
    }

    static func ability(_ node: Node) throws(TemplateEntryProblem) -> TemplateEntryOutcome {
        guard let ability = node.mapping else {
            throw TemplateEntryProblem("ability", "must be a mapping, not \(TemplateYAML.kind(node))", at: node)
        }
        let id = try TemplateYAML.requiredText(ability, "id", field: "id")
        let name = try TemplateYAML.requiredText(ability, "name", field: "name")
        let description = (try TemplateYAML.text(ability, "description", field: "description") ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)

        var rawTechnique: String?
        var techniqueNode: Node?
        var techniqueField = "technique.attack_id"
        if let technique = TemplateYAML.value(ability, "technique"), !TemplateYAML.isNull(technique) {
            guard let mapping = technique.mapping else {
                throw TemplateEntryProblem(
                    "technique", "must be a mapping with attack_id, not \(TemplateYAML.kind(technique))", at: technique)
            }
            rawTechnique = try TemplateYAML.text(mapping, "attack_id", field: techniqueField)
            techniqueNode = TemplateYAML.value(mapping, "attack_id")
        }
        if rawTechnique == nil {
            techniqueField = "technique_id"
            rawTechnique = try TemplateYAML.text(ability, "technique_id", field: techniqueField)
            techniqueNode = TemplateYAML.value(ability, "technique_id")
        }
        guard let rawTechnique, !rawTechnique.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .skipped(
                "no ATT&CK technique (technique.attack_id or technique_id): a template belongs to a technique")
        }
        let techniqueID = try TemplateReading.techniqueID(rawTechnique, field: techniqueField, at: techniqueNode)

        let privilege = try TemplateYAML.text(ability, "privilege", field: "privilege") ?? ""
        let elevated = privilege.trimmingCharacters(in: .whitespaces).lowercased() == "elevated"

        var warnings: [String] = []
        var executors: [Template.Executor] = []
        var seen = Set<String>()
        var sawAny = false
        for raw in try rawExecutors(ability, node) {
            sawAny = true
            guard let command = raw.command else {
                warnings.append("\(raw.field) has no command: left out")
                continue
            }
            for platform in raw.platforms {
                for executorName in raw.names {
                    guard seen.insert("\(platform)\u{0}\(executorName)").inserted else {
                        warnings.append("\(raw.field): \(platform)/\(executorName) appears twice: the first is kept")
                        continue
                    }
                    executors.append(
                        Template.Executor(
                            platforms: [platform], name: executorName, command: command, cleanup: raw.cleanup,
                            elevationRequired: elevated))
                }
            }
        }
        guard sawAny else {
            throw TemplateEntryProblem("platforms", "no executors (platforms or executors is empty)", at: node)
        }
        guard !executors.isEmpty else {
            return .skipped("no executor has a command to run (a cleanup-only ability)")
        }
        let inputs = TemplateReading.placeholderNames(executors).map {
            Template.Input(name: $0, description: "", type: "fact", defaultValue: nil)
        }
        let draft = TemplateDraft(
            sourceID: id, techniqueID: techniqueID, name: name, description: description, executors: executors,
            inputs: inputs)
        try draft.check()
        return .template(draft, warnings: warnings)
    }

    /// One executor as written: its platforms and names split at commas.
    struct RawExecutor {
        var field: String
        var platforms: [String]
        var names: [String]
        var command: String?
        var cleanup: String?
    }

    static func rawExecutors(_ ability: Node.Mapping, _ node: Node) throws(TemplateEntryProblem) -> [RawExecutor] {
        var out: [RawExecutor] = []
        if let platformsNode = TemplateYAML.value(ability, "platforms"), !TemplateYAML.isNull(platformsNode) {
            guard let platforms = platformsNode.mapping else {
                throw TemplateEntryProblem(
                    "platforms", "must be a mapping of platforms, not \(TemplateYAML.kind(platformsNode))",
                    at: platformsNode)
            }
            for (platformKey, executorsNode) in platforms {
                let platformText = try key(platformKey, field: "platforms")
                let field = "platforms.\(platformText)"
                if TemplateYAML.isNull(executorsNode) { continue }
                guard let executors = executorsNode.mapping else {
                    throw TemplateEntryProblem(
                        field, "must be a mapping of executors, not \(TemplateYAML.kind(executorsNode))",
                        at: executorsNode)
                }
                for (nameKey, body) in executors {
                    let nameText = try key(nameKey, field: field)
                    let (command, cleanup) = try script(body, field: "\(field).\(nameText)")
                    out.append(
                        RawExecutor(
                            field: "\(field).\(nameText)", platforms: split(platformText, lowercase: true),
                            names: split(nameText, lowercase: false), command: command, cleanup: cleanup))
                }
            }
        }
        if let listNode = TemplateYAML.value(ability, "executors"), !TemplateYAML.isNull(listNode) {
            guard let list = listNode.sequence else {
                throw TemplateEntryProblem(
                    "executors", "must be a list, not \(TemplateYAML.kind(listNode))", at: listNode)
            }
            for (i, item) in list.enumerated() {
                let field = "executors[\(i)]"
                guard let executor = item.mapping else {
                    throw TemplateEntryProblem(field, "must be a mapping, not \(TemplateYAML.kind(item))", at: item)
                }
                let platform = try TemplateYAML.requiredText(executor, "platform", field: "\(field).platform")
                let name = try TemplateYAML.requiredText(executor, "name", field: "\(field).name")
                let (command, cleanup) = try script(item, field: field)
                out.append(
                    RawExecutor(
                        field: field, platforms: split(platform, lowercase: true), names: split(name, lowercase: false),
                        command: command, cleanup: cleanup))
            }
        }
        if out.isEmpty, TemplateYAML.value(ability, "platforms") == nil, TemplateYAML.value(ability, "executors") == nil
        {
            throw TemplateEntryProblem("platforms", "missing (an ability needs platforms or executors)", at: node)
        }
        return out
    }

    private static func key(_ node: Node, field: String) throws(TemplateEntryProblem) -> String {
        guard let text = node.scalar?.string.trimmingCharacters(in: .whitespacesAndNewlines),
            !text.isEmpty, !split(text, lowercase: false).isEmpty
        else {
            throw TemplateEntryProblem(field, "keys must be platform or executor names", at: node)
        }
        return text
    }

    /// `psh,pwsh` → `["psh", "pwsh"]`.
    private static func split(_ text: String, lowercase: Bool) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }.map { lowercase ? $0.lowercased() : $0 }
    }

    /// An executor's command and cleanup (text or list of texts, joined
    /// with newlines); nil when absent or blank.
    private static func script(_ body: Node, field: String) throws(TemplateEntryProblem) -> (String?, String?) {
        if TemplateYAML.isNull(body) { return (nil, nil) }
        guard let executor = body.mapping else {
            throw TemplateEntryProblem(
                field, "must be a mapping (command, cleanup...), not \(TemplateYAML.kind(body))", at: body)
        }
        let command = TemplateReading.script(try TemplateYAML.text(executor, "command", field: "\(field).command"))
        guard let cleanupNode = TemplateYAML.value(executor, "cleanup"), !TemplateYAML.isNull(cleanupNode) else {
            return (command, nil)
        }
        if let scalar = cleanupNode.scalar { return (command, TemplateReading.script(scalar.string)) }
        guard let list = cleanupNode.sequence else {
            throw TemplateEntryProblem(
                "\(field).cleanup", "must be text or a list of texts, not a mapping", at: cleanupNode)
        }
        var lines: [String] = []
        for (i, item) in list.enumerated() {
            if TemplateYAML.isNull(item) { continue }
            guard let scalar = item.scalar else {
                throw TemplateEntryProblem(
                    "\(field).cleanup[\(i)]", "must be text, not \(TemplateYAML.kind(item))", at: item)
            }
            if let line = TemplateReading.script(scalar.string) { lines.append(line) }
        }
        return (command, lines.isEmpty ? nil : lines.joined(separator: "\n"))
    }
}
