import AegisDomain
import Foundation
import Yams

/// An Atomic Red Team technique file (`atomics/T1006/T1006.yaml`): one
/// template per atomic test. The rules are in `TemplateImporter`.
enum AtomicTemplateReader {
    static func read(_ root: Node) throws(TemplateFileError) -> TemplateFileContent {
        guard let top = root.mapping else {
            if root.sequence != nil {
                throw TemplateFileError(
                    "a YAML list, not an Atomic Red Team technique file (a mapping with attack_technique and "
                        + "atomic_tests); Caldera abilities are imported with format caldera")
            }
            throw TemplateFileError("not an Atomic Red Team technique file: the document is a single text value")
        }
        let techniqueID: String
        do throws(TemplateEntryProblem) {
            let raw = try TemplateYAML.requiredText(top, "attack_technique", field: "attack_technique")
            techniqueID = try TemplateReading.techniqueID(
                raw, field: "attack_technique", at: TemplateYAML.value(top, "attack_technique"))
        } catch {
            if TemplateYAML.value(top, "atomic_tests") == nil, CalderaTemplateReader.isAdversaryProfile(top) {
                throw TemplateFileError("a Caldera adversary profile, not an Atomic Red Team technique file")
            }
            throw TemplateFileError(error.text)
        }
        guard let testsNode = TemplateYAML.value(top, "atomic_tests"), !TemplateYAML.isNull(testsNode) else {
            throw TemplateFileError("atomic_tests: missing")
        }
        guard let tests = testsNode.sequence else {
            throw TemplateFileError(
                TemplateEntryProblem(
                    "atomic_tests", "must be a list, not \(TemplateYAML.kind(testsNode))", at: testsNode
                )
                .text)
        }

        var content = TemplateFileContent()
        if tests.isEmpty {
            content.skipped.append(.init(entry: "atomic_tests", reason: "empty: the file has no atomic tests"))
        }
        var guids: [String: Int] = [:]
        for (index, node) in tests.enumerated() {
            let label = Self.label(index, node)
            do throws(TemplateEntryProblem) {
                switch try test(node, index: index, techniqueID: techniqueID) {
                case .template(let draft, let warnings):
                    if let first = guids[draft.sourceID] {
                        throw TemplateEntryProblem(
                            "auto_generated_guid", "\(draft.sourceID) is also the guid of atomic_tests[\(first)]",
                            at: node.mapping.flatMap { TemplateYAML.value($0, "auto_generated_guid") })
                    }
                    guids[draft.sourceID] = index
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

    /// `atomic_tests[2] "Name" (guid)`, with what can be read of the test.
    static func label(_ index: Int, _ node: Node) -> String {
        var label = "atomic_tests[\(index)]"
        guard let test = node.mapping else { return label }
        if let name = TemplateYAML.value(test, "name")?.scalar?.string {
            label += " \(TemplateReading.quoted(name.trimmingCharacters(in: .whitespacesAndNewlines)))"
        }
        if let guid = TemplateYAML.value(test, "auto_generated_guid")?.scalar?.string, !guid.isEmpty {
            label += " (\(guid.prefix(64)))"
        }
        return label
    }

    static func test(_ node: Node, index: Int, techniqueID: String) throws(TemplateEntryProblem) -> TemplateEntryOutcome
    {
        guard let test = node.mapping else {
            throw TemplateEntryProblem("test", "must be a mapping, not \(TemplateYAML.kind(node))", at: node)
        }
        var warnings: [String] = []
        let name = try TemplateYAML.requiredText(test, "name", field: "name")
        let guid = try TemplateYAML.text(test, "auto_generated_guid", field: "auto_generated_guid")?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let sourceID: String
        if let guid, !guid.isEmpty {
            sourceID = guid
        } else {
            sourceID = "\(techniqueID)#\(index + 1)"
            warnings.append(
                "no auto_generated_guid: source id \(sourceID) (test number in the file), which changes if tests are reordered"
            )
        }
        let description = (try TemplateYAML.text(test, "description", field: "description") ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard let platformList = try TemplateYAML.textList(test, "supported_platforms", field: "supported_platforms")
        else {
            throw TemplateEntryProblem("supported_platforms", "missing", at: node)
        }
        let platforms = platformList.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard !platforms.isEmpty, !platforms.contains(where: \.isEmpty) else {
            throw TemplateEntryProblem(
                "supported_platforms", platforms.isEmpty ? "must not be empty" : "must not hold an empty name",
                at: TemplateYAML.value(test, "supported_platforms"))
        }

        guard let executorNode = TemplateYAML.value(test, "executor"), !TemplateYAML.isNull(executorNode) else {
            throw TemplateEntryProblem("executor", "missing", at: node)
        }
        guard let executor = executorNode.mapping else {
            throw TemplateEntryProblem(
                "executor", "must be a mapping, not \(TemplateYAML.kind(executorNode))", at: executorNode)
        }
        let executorName = try TemplateYAML.requiredText(executor, "name", field: "executor.name")
        guard
            let command = TemplateReading.script(try TemplateYAML.text(executor, "command", field: "executor.command"))
        else {
            if executorName.lowercased() == "manual" || TemplateYAML.value(executor, "steps") != nil {
                return .skipped("manual executor: steps for a person to follow, no command to run")
            }
            let present = TemplateYAML.value(executor, "command")
            throw TemplateEntryProblem(
                "executor.command", present.map(TemplateYAML.isNull) == false ? "must not be empty" : "missing",
                at: present ?? executorNode)
        }
        let cleanup = TemplateReading.script(
            try TemplateYAML.text(executor, "cleanup_command", field: "executor.cleanup_command"))
        let elevation = try TemplateYAML.bool(executor, "elevation_required", field: "executor.elevation_required")
        var inputs = try inputArguments(test)

        let templateExecutor = Template.Executor(
            platforms: platforms, name: executorName, command: command, cleanup: cleanup, elevationRequired: elevation)
        let declared = Set(inputs.map(\.name))
        for used in TemplateReading.placeholderNames([templateExecutor]) where !declared.contains(used) {
            inputs.append(Template.Input(name: used, type: "string"))
            warnings.append("#{\(used)} is not in input_arguments: added as an input without a default (required)")
        }
        let draft = TemplateDraft(
            sourceID: sourceID, techniqueID: techniqueID, name: name, description: description,
            executors: [templateExecutor], inputs: inputs)
        try draft.check()
        return .template(draft, warnings: warnings)
    }

    /// `input_arguments`, in file order.
    static func inputArguments(_ test: Node.Mapping) throws(TemplateEntryProblem) -> [Template.Input] {
        guard let node = TemplateYAML.value(test, "input_arguments"), !TemplateYAML.isNull(node) else { return [] }
        guard let arguments = node.mapping else {
            throw TemplateEntryProblem(
                "input_arguments", "must be a mapping of input names, not \(TemplateYAML.kind(node))", at: node)
        }
        var inputs: [Template.Input] = []
        for (keyNode, valueNode) in arguments {
            guard let name = keyNode.scalar?.string, TemplateReading.isInputName(name) else {
                let shown = keyNode.scalar.map { TemplateReading.quoted($0.string) } ?? TemplateYAML.kind(keyNode)
                throw TemplateEntryProblem(
                    "input_arguments",
                    "\(shown) is not an input name (1 to 100 characters, no braces, brackets or line breaks)",
                    at: keyNode)
            }
            let field = "input_arguments.\(name)"
            if TemplateYAML.isNull(valueNode) {
                inputs.append(Template.Input(name: name))
                continue
            }
            guard let argument = valueNode.mapping else {
                throw TemplateEntryProblem(
                    field, "must be a mapping (description, type, default), not \(TemplateYAML.kind(valueNode))",
                    at: valueNode)
            }
            let description = (try TemplateYAML.text(argument, "description", field: "\(field).description") ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let type = (try TemplateYAML.text(argument, "type", field: "\(field).type") ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let defaultValue: String?
            do throws(TemplateEntryProblem) {
                defaultValue = try TemplateYAML.text(argument, "default", field: "\(field).default")
            } catch {
                let node = TemplateYAML.value(argument, "default")
                let kind = node.map(TemplateYAML.kind) ?? "a collection"
                throw TemplateEntryProblem(
                    "\(field).default", "must be text, a number or a boolean, not \(kind)", at: node)
            }
            inputs.append(
                Template.Input(
                    name: name, description: description, type: type.isEmpty ? "string" : type,
                    defaultValue: defaultValue))
        }
        return inputs
    }
}
