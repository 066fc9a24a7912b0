// libyaml as Yams vendors it: Yams' own C module, visible to AegisApp through
// its Yams dependency. Its event parser measures a document before Yams
// builds a tree of it (see TemplateYAML).
import CYaml
import Foundation
import Yams

/// Why a whole file is refused; `reason` is what the report shows.
struct TemplateFileError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A field of one entry (an Atomic test, a Caldera ability) that is wrong.
struct TemplateEntryProblem: Error {
    /// Dotted path inside the entry: `executor.command`, `input_arguments.path.default`.
    var field: String
    var message: String
    var line: Int?

    init(_ field: String, _ message: String, at node: Node? = nil) {
        self.field = field
        self.message = message
        self.line = node?.mark?.line
    }

    var text: String {
        let at = line.map { " (line \($0))" } ?? ""
        return "\(field): \(message)\(at)"
    }
}

/// Reads an uploaded YAML file into a Yams node tree, safely.
///
/// Yams shares the node an alias points to instead of copying it, but it
/// hashes mapping keys recursively while composing and recurses once per
/// nesting level, and any walk of the tree visits an aliased node once per
/// alias. A few hundred bytes of nested aliases (the "billion laughs")
/// would then take forever, and deep nesting would overflow the stack. So
/// libyaml's event stream is read first, without building anything, and
/// the file is refused when it nests deeper than `maxDepth` or when its
/// nodes, each alias counted as the whole node it repeats, exceed
/// `maxNodes`: about what 2 MiB of YAML can hold without aliases (the
/// largest real file has ~700 nodes), a second or so of work at most.
enum TemplateYAML {
    static let maxDepth = 64
    static let maxNodes = 1_000_000

    static func load(_ data: Data) throws(TemplateFileError) -> Node {
        guard !data.isEmpty else { throw TemplateFileError("empty file") }
        // A UTF-8 byte order mark (Windows editors write one) is dropped:
        // libyaml, told the encoding as Yams does, would read it as content.
        let content = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data
        guard let text = String(validating: content, as: UTF8.self) else {
            throw TemplateFileError("not UTF-8 text")
        }
        try screen(content)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .default, .default, .utf8)
        } catch {
            throw TemplateFileError("not valid YAML: \(describe(error))")
        }
        guard let root, !isNull(root) else { throw TemplateFileError("empty: the file holds no YAML document") }
        return root
    }

    /// Reads the whole event stream; throws on a syntax error, on nesting
    /// deeper than `maxDepth` and on more than `maxNodes` nodes once
    /// aliases are expanded.
    static func screen(_ content: Data) throws(TemplateFileError) {
        var failure: TemplateFileError?
        content.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            do throws(TemplateFileError) {
                try screen(bytes)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    private static func screen(_ bytes: UnsafeRawBufferPointer) throws(TemplateFileError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw TemplateFileError("not valid YAML: out of memory") }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, base.assumingMemoryBound(to: UInt8.self), bytes.count)

        /// Expanded size of each anchored node, by anchor (the latest
        /// definition wins, as in Yams).
        var anchors: [String: Int] = [:]
        /// Open collections: their anchor and the node count when they began.
        var open: [(anchor: String?, start: Int)] = []
        var nodes = 0
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { throw syntaxError(parser) }
            defer { yaml_event_delete(&event) }
            let line = event.start_mark.line + 1
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_SCALAR_EVENT:
                nodes += 1
                if let anchor = name(event.data.scalar.anchor) { anchors[anchor] = 1 }
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                nodes += 1
                let anchor =
                    event.type == YAML_SEQUENCE_START_EVENT
                    ? name(event.data.sequence_start.anchor) : name(event.data.mapping_start.anchor)
                open.append((anchor, nodes))
                guard open.count <= maxDepth else {
                    throw TemplateFileError("YAML nested deeper than \(maxDepth) levels (line \(line))")
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let closed = open.popLast(), let anchor = closed.anchor {
                    anchors[anchor] = nodes - closed.start + 1
                }
            case YAML_ALIAS_EVENT:
                nodes += name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
            default:
                break
            }
            guard nodes <= maxNodes else {
                throw TemplateFileError(
                    "YAML too large: more than \(maxNodes) nodes, each alias counted as the nodes it repeats (line \(line))"
                )
            }
        }
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let anchor else { return nil }
        return String(cString: anchor)
    }

    private static func syntaxError(_ parser: yaml_parser_t) -> TemplateFileError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable"
        if problem.hasPrefix("Maximum nesting level") {  // libyaml's own limit, met while scanning ahead
            return TemplateFileError(
                "YAML nested deeper than \(maxDepth) levels (line \(parser.problem_mark.line + 1))")
        }
        var reason =
            "not valid YAML: line \(parser.problem_mark.line + 1), column \(parser.problem_mark.column + 1): \(problem)"
        if let context = parser.context {
            reason += " (\(String(cString: context)) at line \(parser.context_mark.line + 1))"
        }
        return TemplateFileError(reason)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case YamlError.scanner(_, let problem, let mark, _), YamlError.parser(_, let problem, let mark, _),
            YamlError.composer(_, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            return "line \(context.mark.line): duplicate key \(duplicates.prefix(3).joined(separator: ", "))"
        case YamlError.reader(let problem, _, _, _):
            return problem
        default:
            return "unreadable"
        }
    }

    // MARK: - Reading nodes

    static func isNull(_ node: Node) -> Bool { node.null != nil }

    /// `mapping[key]` for a plain text key; nil when absent.
    static func value(_ mapping: Node.Mapping, _ key: String) -> Node? {
        mapping.first { $0.key.scalar?.string == key }?.value
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar: "text"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// A text field: nil when absent or null; a number or boolean is taken
    /// as written.
    static func text(_ mapping: Node.Mapping, _ key: String, field: String) throws(TemplateEntryProblem) -> String? {
        guard let node = value(mapping, key), !isNull(node) else { return nil }
        guard let scalar = node.scalar else {
            throw TemplateEntryProblem(field, "must be text, not \(kind(node))", at: node)
        }
        return scalar.string
    }

    /// A text field that must be there and not blank; returned trimmed.
    static func requiredText(
        _ mapping: Node.Mapping, _ key: String, field: String
    ) throws(TemplateEntryProblem) -> String {
        guard let value = try text(mapping, key, field: field) else {
            throw TemplateEntryProblem(field, "missing", at: Self.value(mapping, key))
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw TemplateEntryProblem(field, "must not be empty", at: Self.value(mapping, key))
        }
        return trimmed
    }

    /// A list of texts (a single text counts as a list of one); nil when absent.
    static func textList(_ mapping: Node.Mapping, _ key: String, field: String) throws(TemplateEntryProblem)
        -> [String]?
    {
        guard let node = value(mapping, key), !isNull(node) else { return nil }
        if let scalar = node.scalar { return [scalar.string] }
        guard let sequence = node.sequence else {
            throw TemplateEntryProblem(field, "must be a list of texts, not \(kind(node))", at: node)
        }
        var out: [String] = []
        for (i, item) in sequence.enumerated() {
            guard let scalar = item.scalar, !isNull(item) else {
                throw TemplateEntryProblem(
                    "\(field)[\(i)]", "must be text, not \(isNull(item) ? "null" : kind(item))", at: item)
            }
            out.append(scalar.string)
        }
        return out
    }

    /// A boolean field: false when absent or null.
    static func bool(_ mapping: Node.Mapping, _ key: String, field: String) throws(TemplateEntryProblem) -> Bool {
        guard let node = value(mapping, key), !isNull(node) else { return false }
        guard let value = node.bool else {
            throw TemplateEntryProblem(field, "must be true or false", at: node)
        }
        return value
    }
}

extension TemplateYAML {
    /// `text` without trailing spaces and line breaks (a block scalar's final newline).
    static func trimTrailing(_ text: String) -> String {
        var s = Substring(text)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
