/// A Sigma condition, parsed: `and`, `or`, `not`, parentheses, `1 of` /
/// `any of` / `all of` a pattern (`selection_*`) or `them`. Precedence:
/// `not` over `and` over `or`. Aggregations (`| count() ...`) and `near`
/// are refused as unsupported; anything else that does not parse, invalid.
indirect enum SigmaCondition: Equatable, Sendable {
    case identifier(String)
    case oneOf(String)  // pattern, or "them"
    case allOf(String)
    case not(SigmaCondition)
    case and([SigmaCondition])
    case or([SigmaCondition])

    static func parse(_ text: String) throws(RuleRejection) -> SigmaCondition {
        if text.contains("|") {
            throw .unsupported("aggregation in the condition ('\(text)'); write a correlation rule instead")
        }
        let tokens = try tokenize(text)
        if tokens.contains(where: { $0.lowercased() == "near" }) { throw .unsupported("'near' in the condition ('\(text)')") }
        var parser = Parser(tokens: tokens, text: text)
        let expr = try parser.expression()
        guard parser.position == parser.tokens.count else {
            throw .invalid("condition '\(text)': unexpected '\(parser.tokens[parser.position])'")
        }
        return expr
    }

    private static func tokenize(_ text: String) throws(RuleRejection) -> [String] {
        var tokens: [String] = []
        var current = ""
        for c in text {
            if c == "(" || c == ")" || c.isWhitespace {
                if !current.isEmpty { tokens.append(current); current = "" }
                if !c.isWhitespace { tokens.append(String(c)) }
            } else if c.isLetter || c.isNumber || c == "_" || c == "*" || c == "-" || c == "." || c == "?" {
                current.append(c)
            } else {
                throw .invalid("condition '\(text)': unexpected character '\(c)'")
            }
        }
        if !current.isEmpty { tokens.append(current) }
        guard !tokens.isEmpty else { throw .invalid("empty condition") }
        return tokens
    }

    private struct Parser {
        let tokens: [String]
        let text: String
        var position = 0
        var depth = 0

        var peek: String? { position < tokens.count ? tokens[position] : nil }
        var peekLower: String? { peek?.lowercased() }

        mutating func next() -> String? {
            defer { position += 1 }
            return peek
        }

        func fail(_ what: String) -> RuleRejection { .invalid("condition '\(text)': \(what)") }

        mutating func expression() throws(RuleRejection) -> SigmaCondition {
            var terms = [try conjunction()]
            while peekLower == "or" {
                position += 1
                terms.append(try conjunction())
            }
            return terms.count == 1 ? terms[0] : .or(terms)
        }

        mutating func conjunction() throws(RuleRejection) -> SigmaCondition {
            var terms = [try negation()]
            while peekLower == "and" {
                position += 1
                terms.append(try negation())
            }
            return terms.count == 1 ? terms[0] : .and(terms)
        }

        mutating func negation() throws(RuleRejection) -> SigmaCondition {
            // A run of `not`s is folded here, without recursion: an even
            // count cancels out.
            var negated = false
            while peekLower == "not" {
                position += 1
                negated.toggle()
            }
            if negated { return .not(try primary()) }
            return try primary()
        }

        mutating func primary() throws(RuleRejection) -> SigmaCondition {
            guard let token = next() else { throw fail("ends too early") }
            let lower = token.lowercased()
            switch lower {
            case "(":
                depth += 1
                guard depth <= 64 else { throw fail("nested too deeply") }
                let inner = try expression()
                guard next() == ")" else { throw fail("missing ')'") }
                depth -= 1
                return inner
            case ")", "and", "or", "of", "them":
                throw fail("unexpected '\(token)'")
            case "near":
                throw .unsupported("'near' in the condition ('\(text)')")
            case "1", "any", "all":
                guard peekLower == "of" else {
                    if lower == "1" { throw fail("'1' without 'of'") }
                    return .identifier(token)
                }
                position += 1
                guard let target = next(), target != "(", target != ")" else { throw fail("'\(token) of' needs a pattern or 'them'") }
                let pattern = target.lowercased() == "them" ? "them" : target
                return lower == "all" ? .allOf(pattern) : .oneOf(pattern)
            default:
                if peekLower == "of", Int(token) != nil { throw .unsupported("'\(token) of' (only 1, any and all)") }
                if peekLower == "of" { throw fail("unexpected '\(token) of'") }
                return .identifier(token)
            }
        }
    }
}
