import Foundation
import Yams

/// A Caldera ability as a file that `template.import {format: caldera}`
/// reads: one ability in the importer's `executors: [{platform, name,
/// command, cleanup}]` layout, with `id` = the ability id, so importing it
/// again updates the same template (the importer keys templates by
/// format and source id). One file per ability, so one bad ability never
/// makes the others' file invalid.
public struct AbilityTemplateFile: Sendable, Equatable {
    /// `<ability id>.yml`.
    public var name: String
    /// UTF-8 YAML.
    public var content: Data
    /// The template's source id: the ability id.
    public var sourceID: String

    /// Why an ability gives no file.
    public struct Skipped: Error, Sendable, Equatable {
        public var abilityID: String
        public var reason: String
    }

    /// The limits of `template.create` the importer also applies.
    enum Limit {
        static let name = 200
        static let description = 20_000
        static let executors = 20
        static let command = 100_000
        static let sourceID = 200
    }

    /// The file for `ability`, or why there is none: no ATT&CK technique, a
    /// malformed one, no executor with a command, or a field over the
    /// template limits. Executors without a command (code, payload only)
    /// are left out.
    public static func make(_ ability: CalderaAbility) -> Result<AbilityTemplateFile, Skipped> {
        func skip(_ reason: String) -> Result<AbilityTemplateFile, Skipped> {
            .failure(Skipped(abilityID: ability.abilityID, reason: reason))
        }
        let id = ability.abilityID
        guard !id.isEmpty, id.utf8.count <= Limit.sourceID,
            id.utf8.allSatisfy({ b in
                (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D || b == 0x5F
            })
        else { return skip("the ability id is not Caldera's shape ([A-Za-z0-9_-], at most 200)") }
        guard !ability.techniqueID.trimmingCharacters(in: .whitespaces).isEmpty else {
            return skip("no ATT&CK technique: a template belongs to a technique")
        }
        guard let technique = TechniqueReference.normalized(ability.techniqueID) else {
            return skip("technique \(ability.techniqueID.prefix(40)) is not an ATT&CK technique id")
        }
        let name = ability.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= Limit.name else { return skip("the name is empty or longer than 200 characters") }
        guard ability.description.count <= Limit.description else {
            return skip("the description is longer than 20,000 characters")
        }
        let runnable = ability.executors.filter { executor in
            executor.command.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false
                && !executor.name.trimmingCharacters(in: .whitespaces).isEmpty
                && !executor.platform.trimmingCharacters(in: .whitespaces).isEmpty
        }
        guard !runnable.isEmpty else { return skip("no executor has a command to run") }
        guard runnable.count <= Limit.executors else { return skip("more than 20 executors") }
        guard runnable.allSatisfy({ ($0.command?.count ?? 0) <= Limit.command }) else {
            return skip("a command is longer than 100,000 characters")
        }

        func text(_ value: String) -> Node { Node.scalar(.init(value, Tag(.str), .doubleQuoted)) }
        func pair(_ key: String, _ value: Node) -> (Node, Node) { (text(key), value) }
        let executors = runnable.map { executor -> Node in
            var pairs = [
                pair("platform", text(executor.platform)), pair("name", text(executor.name)),
                pair("command", text(executor.command ?? "")),
            ]
            let cleanup = executor.cleanup.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            if !cleanup.isEmpty { pairs.append(pair("cleanup", Node.sequence(.init(cleanup.map(text))))) }
            return Node.mapping(.init(pairs))
        }
        var fields = [
            pair("id", text(id)), pair("name", text(name)), pair("description", text(ability.description)),
            pair("tactic", text(ability.tactic)), pair("technique_id", text(technique)),
            pair("technique_name", text(ability.techniqueName)),
        ]
        if !ability.privilege.isEmpty { fields.append(pair("privilege", text(ability.privilege))) }
        fields.append(pair("executors", Node.sequence(.init(executors))))
        let document = Node.sequence(.init([Node.mapping(.init(fields))]))
        guard let yaml = try? Yams.serialize(node: document, width: -1, allowUnicode: true) else {
            return skip("the ability cannot be written as YAML")
        }
        return .success(AbilityTemplateFile(name: "\(id).yml", content: Data(yaml.utf8), sourceID: id))
    }
}
