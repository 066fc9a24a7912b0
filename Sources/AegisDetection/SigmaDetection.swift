import AegisDomain

/// A Sigma `detection` block compiled: its identifiers (selections and
/// keyword lists) and its condition over them. A class: the engine passes
/// it around per candidate rule with one reference count, not four.
final class CompiledDetection: Sendable {
    /// One identifier: OR of branches, each an AND of field tests.
    struct Selection: Sendable {
        let name: String
        let branches: [[FieldTest]]

        func matches(_ context: EvaluationContext) -> Bool {
            branches.contains { branch in branch.allSatisfy { $0.matches(context) } }
        }
    }

    indirect enum Expr: Sendable {
        case selection(Int)
        case and([Expr])
        case or([Expr])
        case not(Expr)
    }

    let selections: [Selection]
    let condition: Expr
    /// The condition as written, for explanations.
    let conditionText: String
    /// Selections that count for the evidence: not under a `not`.
    let positive: Set<Int>

    init(selections: [Selection], condition: Expr, conditionText: String, positive: Set<Int>) {
        self.selections = selections
        self.condition = condition
        self.conditionText = conditionText
        self.positive = positive
    }

    func matches(_ context: EvaluationContext) -> Bool { Self.evaluate(condition, selections, context) }

    private static func evaluate(_ expr: Expr, _ selections: [Selection], _ context: EvaluationContext) -> Bool {
        switch expr {
        case .selection(let i): selections[i].matches(context)
        case .and(let terms): terms.allSatisfy { evaluate($0, selections, context) }
        case .or(let terms): terms.contains { evaluate($0, selections, context) }
        case .not(let inner): !evaluate(inner, selections, context)
        }
    }

    /// Which identifiers match, and on which keys; the fields of the
    /// matching positive ones (for the evidence).
    func explain(_ context: EvaluationContext) -> (MatchExplanation, [String]) {
        var identifiers: [MatchExplanation.Identifier] = []
        var evidenceFields: [String] = []
        for (index, selection) in selections.enumerated() {
            let branch = selection.branches.first { $0.allSatisfy { $0.matches(context) } }
            let keys = branch?.map(\.key) ?? []
            identifiers.append(.init(name: selection.name, matched: branch != nil, keys: keys))
            if let branch, positive.contains(index) {
                for test in branch { if let f = test.field, !evidenceFields.contains(f) { evidenceFields.append(f) } }
            }
        }
        return (MatchExplanation(condition: conditionText, identifiers: identifiers), evidenceFields)
    }

    // MARK: Compiling

    static func compile(_ detection: YAMLMap) throws(RuleRejection) -> CompiledDetection {
        var selections: [Selection] = []
        var conditionTexts: [String] = []
        for (name, value) in detection.entries {
            switch name {
            case "condition":
                if let text = value.text {
                    conditionTexts = [text]
                } else if let list = value.textList, !list.isEmpty, value.items != nil {
                    conditionTexts = list
                } else {
                    throw .invalid("condition must be text or a list of texts")
                }
            case "timeframe":
                continue  // only meaningful with an aggregation, which is refused
            default:
                selections.append(Selection(name: name, branches: try branches(name, value)))
            }
        }
        guard !conditionTexts.isEmpty else { throw .invalid("detection has no condition") }
        guard !selections.isEmpty else { throw .invalid("detection has no selection") }
        let names = selections.map(\.name)
        var exprs: [Expr] = []
        for text in conditionTexts { exprs.append(try resolve(try SigmaCondition.parse(text), names)) }
        let condition = exprs.count == 1 ? exprs[0] : .or(exprs)
        var positive: Set<Int> = []
        collectPositive(condition, negated: false, into: &positive)
        let text = conditionTexts.count == 1 ? conditionTexts[0] : conditionTexts.map { "(\($0))" }.joined(separator: " or ")
        return CompiledDetection(selections: selections, condition: condition, conditionText: text, positive: positive)
    }

    private static func branches(_ name: String, _ value: YAMLValue) throws(RuleRejection) -> [[FieldTest]] {
        switch value {
        case .map(let map):
            return [try fieldTests(name, map)]
        case .list(let items):
            guard !items.isEmpty else { throw .invalid("identifier \(name) is an empty list") }
            var out: [[FieldTest]] = []
            var keywords: [YAMLValue] = []
            for item in items {
                switch item {
                case .map(let map): out.append(try fieldTests(name, map))
                case .string, .int, .double, .bool: keywords.append(item)
                default: throw .invalid("identifier \(name): a list item must be a mapping or a keyword, not \(item.kindName)")
                }
            }
            if !keywords.isEmpty { out.append([try keywordTest(name, .list(keywords))]) }
            return out
        case .string, .int, .double, .bool:
            return [[try keywordTest(name, value)]]
        case .null:
            throw .invalid("identifier \(name) is empty")
        }
    }

    private static func keywordTest(_ name: String, _ value: YAMLValue) throws(RuleRejection) -> FieldTest {
        do { return try SigmaModifiers.compile(key: "", value: value) } catch { throw error.prefixed("identifier \(name)") }
    }

    private static func fieldTests(_ name: String, _ map: YAMLMap) throws(RuleRejection) -> [FieldTest] {
        guard !map.entries.isEmpty else { throw .invalid("identifier \(name) is an empty mapping") }
        var tests: [FieldTest] = []
        for (key, value) in map.entries {
            if key == "<<" { throw .unsupported("YAML merge keys (<<) in identifier \(name)") }
            do { tests.append(try SigmaModifiers.compile(key: key, value: value)) } catch { throw error.prefixed("identifier \(name)") }
        }
        // Cheapest first: a failed equality spares the substring searches.
        return tests.enumerated().sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }.map(\.element)
    }

    private static func resolve(_ condition: SigmaCondition, _ names: [String]) throws(RuleRejection) -> Expr {
        func indices(_ pattern: String) throws(RuleRejection) -> [Int] {
            let found: [Int]
            if pattern == "them" {
                found = names.indices.filter { !names[$0].hasPrefix("_") }
            } else {
                let glob = StringPattern(SigmaString(parsing: pattern), cased: true)
                found = names.indices.filter { i in Array(names[i].utf8).withUnsafeBufferPointer { glob.matches($0) } }
            }
            guard !found.isEmpty else { throw .invalid("condition: '\(pattern)' matches no identifier") }
            return found
        }
        switch condition {
        case .identifier(let name):
            guard let i = names.firstIndex(of: name) else { throw .invalid("condition: undefined identifier '\(name)'") }
            return .selection(i)
        case .oneOf(let pattern):
            let found = try indices(pattern)
            return found.count == 1 ? .selection(found[0]) : .or(found.map(Expr.selection))
        case .allOf(let pattern):
            let found = try indices(pattern)
            return found.count == 1 ? .selection(found[0]) : .and(found.map(Expr.selection))
        case .not(let inner):
            return .not(try resolve(inner, names))
        case .and(let terms):
            var out: [Expr] = []
            for t in terms { out.append(try resolve(t, names)) }
            return .and(out)
        case .or(let terms):
            var out: [Expr] = []
            for t in terms { out.append(try resolve(t, names)) }
            return .or(out)
        }
    }

    private static func collectPositive(_ expr: Expr, negated: Bool, into set: inout Set<Int>) {
        switch expr {
        case .selection(let i): if !negated { set.insert(i) }
        case .and(let terms), .or(let terms): for t in terms { collectPositive(t, negated: negated, into: &set) }
        case .not(let inner): collectPositive(inner, negated: !negated, into: &set)
        }
    }
}

/// Why a rule matched: its condition, and for each identifier whether it
/// matched and with which keys (`Image|endswith`).
public struct MatchExplanation: Sendable, Equatable {
    public struct Identifier: Sendable, Equatable {
        public var name: String
        public var matched: Bool
        /// The keys of the branch that matched (field and modifiers).
        public var keys: [String]
    }

    /// The condition as written; for a native `{field, pattern}` rule, the pattern test.
    public var condition: String
    public var identifiers: [Identifier]

    /// One line for people: `selection (Image|endswith, CommandLine|contains); not filter`.
    public var summary: String {
        let matched = identifiers.filter(\.matched).map { $0.keys.isEmpty ? $0.name : "\($0.name) (\($0.keys.joined(separator: ", ")))" }
        return "\(condition): matched " + (matched.isEmpty ? "nothing positive" : matched.joined(separator: "; "))
    }
}
