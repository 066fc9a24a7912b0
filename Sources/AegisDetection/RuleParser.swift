import AegisDomain
import Foundation

/// What became of one rule document.
public enum RuleParseOutcome: Sendable {
    /// Read and, when evaluable, compiled.
    case parsed(RuleDefinition)
    /// Malformed; `ruleID` when the document got as far as naming itself.
    case invalid(ruleID: String?, reason: String)
    /// Well formed, but using something the engine does not evaluate.
    case unsupported(ruleID: String?, feature: String)
}

/// What became of one rule file: one outcome per document. A file that is
/// not YAML/TOML or holds no rule at all is one `.invalid` with no rule id.
public struct RuleFileReport: Sendable {
    public var name: String
    /// The format the file was read as; nil when it could not be told.
    public var format: RuleFormat?
    public var outcomes: [RuleParseOutcome]

    public init(name: String, format: RuleFormat?, outcomes: [RuleParseOutcome]) {
        self.name = name
        self.format = format
        self.outcomes = outcomes
    }

    /// The definitions read.
    public var parsed: [RuleDefinition] {
        outcomes.compactMap { if case .parsed(let d) = $0 { d } else { nil } }
    }
}

/// Reads rule files: Sigma, Elastic and native, the format told apart by
/// content when not given. Evaluable rules are compiled here, so whatever
/// the engine could not evaluate is refused now, never later.
public enum RuleParser {
    /// Largest rule file accepted.
    public static let maxFileBytes = 4 << 20

    public static func parse(name: String, data: Data, format: RuleFormat?) -> RuleFileReport {
        guard data.count <= maxFileBytes else { return fileError(name, format, "larger than \(maxFileBytes) bytes") }
        let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data
        guard let text = String(validating: body, as: UTF8.self) else { return fileError(name, format, "not UTF-8 text") }
        return parse(name: name, content: text, format: format)
    }

    public static func parse(name: String, content: String, format: RuleFormat?) -> RuleFileReport {
        guard content.utf8.count <= maxFileBytes else { return fileError(name, format, "larger than \(maxFileBytes) bytes") }
        guard let format = format ?? detectFormat(content) else {
            return fileError(name, nil, "not a rule file: neither an Elastic TOML rule ([rule]) nor a Sigma or native YAML rule")
        }
        switch format {
        case .elastic:
            do {
                return RuleFileReport(name: name, format: .elastic, outcomes: [.parsed(try ElasticRuleReader.read(content))])
            } catch {
                return RuleFileReport(name: name, format: .elastic, outcomes: [outcome(error, id: tomlRuleID(content))])
            }
        case .sigma, .native:
            let documents = RuleYAML.documents(content)
            guard !documents.isEmpty else { return fileError(name, format, "empty: no YAML document") }
            var outcomes: [RuleParseOutcome] = []
            for document in documents {
                let root: YAMLValue
                do { root = try RuleYAML.load(document) } catch {
                    outcomes.append(.invalid(ruleID: nil, reason: error.reason))
                    continue
                }
                guard let map = root.mapping else {
                    outcomes.append(.invalid(ruleID: nil, reason: "not a rule: the document is \(root.kindName), not a mapping"))
                    continue
                }
                do {
                    let definition =
                        format == .sigma
                        ? try SigmaDocument.read(map, text: document).definition
                        : try NativeRuleReader.read(map, text: document).definition
                    outcomes.append(.parsed(definition))
                } catch {
                    outcomes.append(outcome(error, id: format == .sigma ? SigmaDocument.id(of: map) : map["rule_id"]?.scalarText))
                }
            }
            return RuleFileReport(name: name, format: format, outcomes: outcomes)
        }
    }

    /// Elastic when a `[rule]` table heads a line; native when the first
    /// YAML mapping has `rule_id` and `emits`; Sigma when it has
    /// `detection`, `logsource`, `correlation` or `filter`; else nil.
    public static func detectFormat(_ content: String) -> RuleFormat? {
        for line in content.split(whereSeparator: \.isNewline) where line.hasPrefix("[") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "[rule]" || trimmed == "[metadata]" { return .elastic }
        }
        for document in RuleYAML.documents(content).prefix(8) {
            guard let map = (try? RuleYAML.load(document))?.mapping else { continue }
            if map["rule_id"] != nil && map["emits"] != nil { return .native }
            if map["detection"] != nil || map["logsource"] != nil || map["correlation"] != nil || map["filter"] != nil {
                return .sigma
            }
        }
        return nil
    }

    private static func outcome(_ rejection: RuleRejection, id: String?) -> RuleParseOutcome {
        switch rejection {
        case .invalid(let reason): .invalid(ruleID: id, reason: reason)
        case .unsupported(let feature): .unsupported(ruleID: id, feature: feature)
        }
    }

    private static func fileError(_ name: String, _ format: RuleFormat?, _ reason: String) -> RuleFileReport {
        RuleFileReport(name: name, format: format, outcomes: [.invalid(ruleID: nil, reason: reason)])
    }

    /// `rule_id = "..."` read from the text, for reporting a rule that did not parse.
    private static func tomlRuleID(_ content: String) -> String? {
        for line in content.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "rule_id" else { continue }
            return parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        return nil
    }
}
