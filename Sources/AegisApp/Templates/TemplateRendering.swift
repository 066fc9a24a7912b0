import AegisDomain
import Foundation

/// Turns a template's commands into what a red operator runs: chooses an
/// executor and replaces each `#{name}` placeholder with an input's value.
///
/// Placeholders are Atomic Red Team's `#{input_name}` and Caldera's
/// `#{fact.name}`, including Caldera's filtered form
/// `#{host.file.path[filters(max=3)]}`, which refers to the input
/// `host.file.path`. Both kinds are the template's inputs and behave the
/// same. Substitution is a single pass: a value containing `#{...}` is
/// inserted as it is, never expanded again.
public enum TemplateRendering {
    /// The command and cleanup of `executor` with every placeholder
    /// replaced by `inputs[name]`, else the input's default.
    ///
    /// - Throws: `INVALID_ARGUMENT` with field `inputs.<name>` when `inputs`
    ///   names an input the template does not declare, or when a
    ///   placeholder has neither a value nor a default; with field `inputs`
    ///   when the command or cleanup would be longer than `maxLength`
    ///   characters (checked as it grows, so no input can blow it up).
    public static func render(
        _ template: Template, executor: Template.Executor, inputs: [String: String],
        maxLength: Int = TestCase.maxCommandLength
    ) throws(AegisError) -> (command: String, cleanup: String?) {
        var declared: [String: Template.Input] = [:]
        for input in template.inputs where declared[input.name] == nil { declared[input.name] = input }
        for name in inputs.keys.sorted() where declared[name] == nil {
            let known = template.inputs.map(\.name)
            let has = known.isEmpty ? "it has no inputs" : "its inputs: \(known.prefix(20).joined(separator: ", "))"
            throw AegisError.invalidArgument(
                "inputs.\(name)", "template \(template.id) has no input \(name) (\(has))")
        }
        func value(_ name: String) throws(AegisError) -> String {
            if let given = inputs[name] { return given }
            if let fallback = declared[name]?.defaultValue { return fallback }
            throw AegisError.invalidArgument(
                "inputs.\(name)", "input \(name) is required: the template gives it no default value")
        }
        func rendered(_ text: String) throws(AegisError) -> String {
            // Substitution stops at 4 bytes a character: no input can use up memory.
            guard let out = try substitute(text, value, maxBytes: maxLength * 4), out.count <= maxLength else {
                throw AegisError.invalidArgument(
                    "inputs", "with these inputs the template's commands are longer than \(maxLength) characters")
            }
            return out
        }
        let command = try rendered(executor.command)
        var cleanup: String?
        if let text = executor.cleanup { cleanup = try rendered(text) }
        return (command, cleanup)
    }

    /// The first executor of `template` that runs on `platform` and is
    /// called `name`; nil or empty means any. Both compare
    /// case-insensitively, and `macos` and `darwin` (Atomic's and
    /// Caldera's spellings) are the same platform.
    ///
    /// - Throws: `INVALID_ARGUMENT` with field `platform` when no executor
    ///   runs on the platform, `executor` when none of those is called
    ///   `name`.
    public static func executor(
        for template: Template, platform: String?, name: String?
    ) throws(AegisError) -> Template.Executor {
        let wantedPlatform = platform.map(canonicalPlatform).flatMap { $0.isEmpty ? nil : $0 }
        let wantedName = name.map(canonicalName).flatMap { $0.isEmpty ? nil : $0 }
        let onPlatform = template.executors.filter { executor in
            guard let wantedPlatform else { return true }
            return executor.platforms.contains { canonicalPlatform($0) == wantedPlatform }
        }
        guard !onPlatform.isEmpty else {
            let supported = unique(template.executors.flatMap(\.platforms).map(canonicalPlatform))
            if let platform, wantedPlatform != nil {
                let has = supported.isEmpty ? "it has no executors" : "it runs on \(supported.joined(separator: ", "))"
                throw AegisError.invalidArgument(
                    "platform", "template \(template.id) has no executor for platform \(platform) (\(has))")
            }
            throw AegisError.invalidArgument("executor", "template \(template.id) has no executors")
        }
        guard let chosen = onPlatform.first(where: { wantedName == nil || canonicalName($0.name) == wantedName }) else {
            let names = unique(onPlatform.map(\.name)).joined(separator: ", ")
            let on = wantedPlatform.map { " on \($0)" } ?? ""
            throw AegisError.invalidArgument(
                "executor", "template \(template.id) has no executor \(name ?? "")\(on) (it has \(names))")
        }
        return chosen
    }

    /// The input names `text` refers to, once each, in order of first use.
    public static func placeholderNames(in text: String) -> [String] {
        unique(placeholders(in: text).map(\.name))
    }

    // MARK: - Placeholders

    /// One `#{...}` in a command: where it is (UTF-8 offsets) and the
    /// input it names.
    struct Placeholder {
        var range: Range<Int>
        var name: String
    }

    /// Longest text between `#{` and `}` taken as a placeholder, in bytes.
    static let maxPlaceholderLength = 256

    /// Every `#{name}` or `#{name[...]}` in `text`. Text between `#{` and
    /// the next `}` that is empty, spans lines, holds `{` or is longer than
    /// `maxPlaceholderLength` is not a placeholder and stays as it is.
    /// Linear in the text's length, whatever it holds.
    static func placeholders(in text: String) -> [Placeholder] {
        placeholders(in: Array(text.utf8))
    }

    private static func placeholders(in bytes: [UInt8]) -> [Placeholder] {
        let hash = UInt8(ascii: "#")
        let open = UInt8(ascii: "{")
        let close = UInt8(ascii: "}")
        var found: [Placeholder] = []
        var i = 0
        while i + 1 < bytes.count {
            guard bytes[i] == hash, bytes[i + 1] == open else {
                i += 1
                continue
            }
            let bodyStart = i + 2
            var j = bodyStart
            var end: Int?
            // Stops at the first brace or line break, so no byte is scanned
            // from two different `#{`.
            while j < bytes.count, j - bodyStart <= maxPlaceholderLength {
                let b = bytes[j]
                if b == close { end = j }
                if b == close || b == open || b == 0x0A || b == 0x0D { break }
                j += 1
            }
            if let end {
                let body = String(decoding: bytes[bodyStart..<end], as: UTF8.self)
                let name = String(body.prefix { $0 != "[" }).trimmingCharacters(in: .whitespaces)
                if !name.isEmpty {
                    found.append(Placeholder(range: i..<(end + 1), name: name))
                    i = end + 1
                    continue
                }
            }
            i = bodyStart
        }
        return found
    }

    /// `text` with its placeholders replaced; nil once it passes `maxBytes`.
    private static func substitute(
        _ text: String, _ value: (String) throws(AegisError) -> String, maxBytes: Int
    ) throws(AegisError) -> String? {
        let bytes = Array(text.utf8)
        let found = placeholders(in: bytes)
        guard !found.isEmpty else { return text }
        // Cut only at ASCII `#{` and `}`: the pieces stay valid UTF-8.
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var cursor = 0
        for placeholder in found {
            out += bytes[cursor..<placeholder.range.lowerBound]
            out += try value(placeholder.name).utf8
            cursor = placeholder.range.upperBound
            guard out.count <= maxBytes else { return nil }
        }
        out += bytes[cursor...]
        return String(decoding: out, as: UTF8.self)
    }

    static func canonicalPlatform(_ platform: String) -> String {
        let p = platform.trimmingCharacters(in: .whitespaces).lowercased()
        return p == "darwin" ? "macos" : p
    }

    private static func canonicalName(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespaces).lowercased()
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
