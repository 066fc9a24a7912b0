import AegisDomain
import Foundation
import Yams

/// Reads Atomic Red Team technique files and Caldera ability files into
/// templates. Pure: it writes nothing; ids come from the caller's
/// generator, dates from `now`.
///
/// Each file stands alone and is never half-imported: it gives all its
/// templates (`imported`), or none with the reason (`invalid`: not UTF-8,
/// not YAML, over 2 MiB, aliases expanding past the limit, or any entry
/// with a wrong field, named in the error), or none because there is
/// nothing runnable in it (`skipped`). Entries that are not runnable are
/// listed as skipped with a reason and do not make their file invalid:
///
/// - Atomic: a test whose executor has no command and is `manual` or has
///   `steps` (instructions for a person). A non-manual executor without a
///   command is invalid. Each test gives one template: source id
///   `auto_generated_guid` (else `<technique>#<1-based index>`, with a
///   warning), one executor (`supported_platforms`, executor name,
///   `command`, `cleanup_command`, `elevation_required`), inputs from
///   `input_arguments` in file order (defaults as written, whatever their
///   YAML type; null means required). A placeholder used but not declared
///   becomes a required input, with a warning. `dependencies` are not
///   imported.
/// - Caldera: a list of abilities (or one ability). An ability without a
///   technique id (`technique.attack_id` or `technique_id`) is skipped; one
///   with a malformed id is invalid. An ability with no executor that has
///   a command (e.g. cleanup-only "Delete payload") is skipped; executors
///   without a command are left out of the others, with a warning. Each
///   (platform, executor) pair is one executor; comma-separated keys
///   (`psh,pwsh`, `linux,darwin`) are split; a cleanup list is joined with
///   newlines; `privilege: Elevated` sets `elevation_required`. Inputs are
///   the `#{fact}`s the commands and cleanups use, type `fact`, no default.
///   An adversary profile (`atomic_ordering` or `phases`) is skipped.
///
/// Texts are kept as written except that names and descriptions are
/// trimmed and commands lose trailing blank lines. Imported templates obey
/// the same limits as manual ones (name 200 characters, 1 to 20
/// executors...).
public struct TemplateImporter: Sendable {
    /// Larger files are refused as invalid without being parsed.
    public static let maxFileBytes = 2 * 1024 * 1024

    public let now: Date
    public let newID: @Sendable () -> String

    public init(now: Date, newID: @escaping @Sendable () -> String) {
        self.now = now
        self.newID = newID
    }

    /// Each file on its own; a source entry found in two files is kept in
    /// both, with a warning on the later one.
    public func read(format: Template.Source.Format, files: [UploadedFile]) -> TemplateImportReport {
        var results: [TemplateImportReport.FileResult] = []
        var firstFile: [String: String] = [:]
        for file in files {
            var result = read(format: format, file: file)
            for template in result.templates {
                guard let sourceID = template.source.sourceID else { continue }
                if let earlier = firstFile[sourceID] {
                    result.warnings.append("\(sourceID) is also in \(earlier): the later one wins")
                } else {
                    firstFile[sourceID] = file.name
                }
            }
            results.append(result)
        }
        return TemplateImportReport(files: results)
    }

    public func read(format: Template.Source.Format, file: UploadedFile) -> TemplateImportReport.FileResult {
        guard file.content.count <= Self.maxFileBytes else {
            return .invalid(file.name, "larger than 2 MiB (\(file.content.count) bytes)")
        }
        guard format != .manual else {
            return .invalid(file.name, "manual templates are created one by one, not imported from files")
        }
        let content: TemplateFileContent
        do throws(TemplateFileError) {
            let root = try TemplateYAML.load(file.content)
            content = format == .atomic ? try AtomicTemplateReader.read(root) : try CalderaTemplateReader.read(root)
        } catch {
            return .invalid(file.name, error.reason)
        }
        let templates = content.drafts.map { draft in
            Template(
                id: newID(), version: 1, source: .init(format: format, sourceID: draft.sourceID, file: file.name),
                techniqueID: draft.techniqueID, name: draft.name, description: draft.description,
                executors: draft.executors, inputs: draft.inputs, createdAt: now, updatedAt: now)
        }
        return TemplateImportReport.FileResult(
            name: file.name, status: templates.isEmpty ? .skipped : .imported, templates: templates,
            skipped: content.skipped, warnings: content.warnings)
    }
}

/// A template read from a file, before it gets an id.
struct TemplateDraft {
    var sourceID: String
    var techniqueID: String
    var name: String
    var description: String
    var executors: [Template.Executor]
    var inputs: [Template.Input]

    /// The limits manual templates obey (see `TemplateService`), so an
    /// imported template can be edited and saved as it is.
    enum Limit {
        static let name = 200
        static let description = 20_000
        static let executors = 20
        static let executorName = 64
        static let command = 100_000
        static let platforms = 20
        static let platform = 64
        static let inputs = 100
        static let inputName = 100
        static let inputDescription = 2_000
        static let inputType = 64
        static let defaultValue = 10_000
        static let sourceID = 200
    }

    /// Field names are the template's own (`executors[0].command`), as the
    /// source's differ by format.
    func check() throws(TemplateEntryProblem) {
        try Self.length(sourceID, Limit.sourceID, "source_id")
        try Self.length(name, Limit.name, "name")
        try Self.length(description, Limit.description, "description")
        guard executors.count <= Limit.executors else {
            throw TemplateEntryProblem("executors", "more than \(Limit.executors) executors (\(executors.count))")
        }
        for (i, e) in executors.enumerated() {
            try Self.length(e.name, Limit.executorName, "executors[\(i)].name")
            try Self.length(e.command, Limit.command, "executors[\(i)].command")
            try Self.length(e.cleanup ?? "", Limit.command, "executors[\(i)].cleanup")
            guard e.platforms.count <= Limit.platforms else {
                throw TemplateEntryProblem("executors[\(i)].platforms", "more than \(Limit.platforms) platforms")
            }
            for p in e.platforms { try Self.length(p, Limit.platform, "executors[\(i)].platforms") }
        }
        guard inputs.count <= Limit.inputs else {
            throw TemplateEntryProblem("inputs", "more than \(Limit.inputs) inputs (\(inputs.count))")
        }
        for input in inputs {
            try Self.length(input.name, Limit.inputName, "inputs.\(input.name.prefix(20))")
            try Self.length(input.description, Limit.inputDescription, "inputs.\(input.name).description")
            try Self.length(input.type, Limit.inputType, "inputs.\(input.name).type")
            try Self.length(input.defaultValue ?? "", Limit.defaultValue, "inputs.\(input.name).default")
        }
    }

    private static func length(_ text: String, _ max: Int, _ field: String) throws(TemplateEntryProblem) {
        // No more characters than UTF-8 bytes: count characters only past that.
        guard text.utf8.count > max, text.count > max else { return }
        throw TemplateEntryProblem(field, "longer than \(max) characters")
    }
}

/// What a reader made of one file that is not invalid.
struct TemplateFileContent {
    var drafts: [TemplateDraft] = []
    var skipped: [TemplateImportReport.SkippedEntry] = []
    var warnings: [String] = []
}

/// What became of one entry that is not invalid.
enum TemplateEntryOutcome {
    case template(TemplateDraft, warnings: [String])
    case skipped(String)
}

/// Checks both readers share.
enum TemplateReading {
    /// A technique id as the catalog spells it, or a problem on `field`.
    static func techniqueID(_ raw: String, field: String, at node: Node?) throws(TemplateEntryProblem) -> String {
        do {
            return try AttackID.technique(raw.trimmingCharacters(in: .whitespacesAndNewlines), field: field)
        } catch {
            throw TemplateEntryProblem(
                field, "\(quoted(raw)) is not a technique id such as T1059 or T1059.001", at: node)
        }
    }

    /// `text` in quotes, shortened to keep messages short.
    static func quoted(_ text: String, max: Int = 60) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: " ")
        return oneLine.count > max ? "\"\(oneLine.prefix(max))...\"" : "\"\(oneLine)\""
    }

    /// Whether `name` can be written `#{name}` in a command.
    static func isInputName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= TemplateDraft.Limit.inputName
            && !name.contains(where: { "{}[".contains($0) || $0.isNewline })
            && name.trimmingCharacters(in: .whitespaces) == name
    }

    /// Names `TemplateRendering` would find in the executors' commands and
    /// cleanups, once each, in order of first use.
    static func placeholderNames(_ executors: [Template.Executor]) -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for e in executors {
            for text in [e.command, e.cleanup ?? ""] {
                for name in TemplateRendering.placeholderNames(in: text) where seen.insert(name).inserted {
                    names.append(name)
                }
            }
        }
        return names
    }

    /// A command or cleanup as stored: trailing blank lines dropped; nil
    /// when nothing is left.
    static func script(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = TemplateYAML.trimTrailing(text)
        return trimmed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : trimmed
    }
}
