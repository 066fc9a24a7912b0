import Foundation
import Yams

/// A YAML value as rules use it: plain scalars resolved (null, booleans,
/// decimal integers and numbers), quoted scalars always text, mappings
/// keeping their order.
indirect enum YAMLValue {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case list([YAMLValue])
    case map(YAMLMap)

    var text: String? { if case .string(let s) = self { s } else { nil } }
    var mapping: YAMLMap? { if case .map(let m) = self { m } else { nil } }
    var items: [YAMLValue]? { if case .list(let l) = self { l } else { nil } }
    var isNull: Bool { if case .null = self { true } else { false } }

    /// A scalar as text (numbers and booleans as written); nil for others.
    var scalarText: String? {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    /// A list of texts, or one text as a list of one.
    var textList: [String]? {
        if let text = scalarText { return [text] }
        guard let items else { return nil }
        let texts = items.compactMap(\.scalarText)
        return texts.count == items.count ? texts : nil
    }

    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "text"
        case .list: "a list"
        case .map: "a mapping"
        }
    }
}

struct YAMLMap {
    let keys: [String]
    let values: [YAMLValue]

    init(entries: [(key: String, value: YAMLValue)]) {
        keys = entries.map(\.key)
        values = entries.map(\.value)
    }

    /// The entries in order.
    var entries: [(key: String, value: YAMLValue)] { Array(zip(keys, values)).map { (key: $0.0, value: $0.1) } }

    subscript(_ key: String) -> YAMLValue? { keys.firstIndex(of: key).map { values[$0] } }
}

/// Reading rule files: split into documents (each with its own text), each
/// composed by Yams and converted with bounds on depth and nodes (aliases
/// counted as what they repeat).
enum RuleYAML {
    static let maxBytes = 1 << 20
    static let maxDepth = 64
    static let maxNodes = 100_000

    struct Failure: Error { var reason: String }

    /// The documents of a YAML text, split on `---` lines, empty ones dropped.
    static func documents(_ text: String) -> [String] {
        var docs: [String] = []
        var current: [Substring] = []
        func flush() {
            let doc = current.joined(separator: "\n")
            if doc.split(whereSeparator: \.isNewline).contains(where: { line in
                let t = line.trimmingCharacters(in: .whitespaces)
                return !t.isEmpty && !t.hasPrefix("#")
            }) {
                docs.append(doc + "\n")
            }
            current = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed == "---" || trimmed.hasPrefix("--- ") || trimmed == "..." {
                flush()
                if trimmed.hasPrefix("--- ") {
                    let rest = trimmed.dropFirst(4)
                    if !rest.trimmingCharacters(in: .whitespaces).isEmpty && !rest.hasPrefix("#") { current.append(rest) }
                }
                continue
            }
            current.append(trimmed)
        }
        flush()
        return docs
    }

    /// One document's value.
    static func load(_ text: String) throws(Failure) -> YAMLValue {
        guard text.utf8.count <= maxBytes else { throw Failure(reason: "larger than \(maxBytes) bytes") }
        let node: Node?
        // The basic resolver: scalars are typed here (`resolve`), not by
        // Yams' regular expressions, which cost more than the rest of the parse.
        do { node = try Yams.compose(yaml: text, .basic) } catch { throw Failure(reason: "not valid YAML: \(describe(error))") }
        guard let node else { throw Failure(reason: "empty YAML document") }
        var budget = maxNodes
        return try convert(node, depth: 0, budget: &budget)
    }

    private static func convert(_ node: Node, depth: Int, budget: inout Int) throws(Failure) -> YAMLValue {
        budget -= 1
        guard budget >= 0 else { throw Failure(reason: "YAML too large: more than \(maxNodes) nodes (aliases counted expanded)") }
        guard depth <= maxDepth else { throw Failure(reason: "YAML nested deeper than \(maxDepth) levels") }
        switch node {
        case .scalar(let scalar):
            return scalar.style == .plain ? resolve(scalar.string) : .string(scalar.string)
        case .sequence(let sequence):
            var items: [YAMLValue] = []
            for item in sequence { items.append(try convert(item, depth: depth + 1, budget: &budget)) }
            return .list(items)
        case .mapping(let mapping):
            var entries: [(key: String, value: YAMLValue)] = []
            for (key, value) in mapping {
                let name: String
                switch key {
                case .scalar(let s): name = s.string
                default: throw Failure(reason: "a mapping key must be text")
                }
                entries.append((name, try convert(value, depth: depth + 1, budget: &budget)))
            }
            return .map(YAMLMap(entries: entries))
        case .alias:
            throw Failure(reason: "unresolved YAML alias")
        }
    }

    /// A plain scalar's type, YAML 1.2 core schema (decimal numbers only).
    static func resolve(_ s: String) -> YAMLValue {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let first = s.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || (48...57).contains(first) {
            if let i = Int64(s) { return .int(i) }
            if s.contains("."), let d = Double(s), d.isFinite { return .double(d) }
        }
        return .string(s)
    }

    static func describe(_ error: any Error) -> String {
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
}
