import Foundation

/// Compiles one `field|modifier|...: value(s)` entry of a Sigma selection
/// (docs/DETECTION.md has the modifier table).
enum SigmaModifiers {
    private enum Transform: Hashable { case base64, base64offset, utf16le, utf16be, utf16, windash }
    /// The most patterns one value's transforms may make (windash makes 5,
    /// base64offset 3 of each).
    static let maxVariants = 256
    private enum Placement { case contains, startswith, endswith }
    private enum TestKind: Equatable { case string, re, cidr, compare(Comparison), exists, fieldref, datePart(DatePart) }

    static func compile(key: String, value: YAMLValue) throws(RuleRejection) -> FieldTest {
        let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let field = parts[0].isEmpty ? nil : parts[0]
        var transforms: [Transform] = []
        var placement: Placement?
        var kind = TestKind.string
        var comparison: Comparison?
        var all = false, cased = false, negated = false
        var regexFlags = (i: false, m: false, s: false)
        func setKind(_ k: TestKind, _ name: String) throws(RuleRejection) {
            guard kind == .string || (k == .string) else { throw .invalid("modifiers '\(name)' and another test in \(key)") }
            kind = k
        }
        for name in parts.dropFirst() {
            switch name {
            case "contains", "startswith", "endswith":
                guard placement == nil else { throw .invalid("two of contains/startswith/endswith in \(key)") }
                placement = name == "contains" ? .contains : name == "startswith" ? .startswith : .endswith
            case "all": all = true
            case "cased": cased = true
            case "neq": negated = true
            case "base64": transforms.append(.base64)
            case "base64offset": transforms.append(.base64offset)
            case "utf16le", "wide": transforms.append(.utf16le)
            case "utf16be": transforms.append(.utf16be)
            case "utf16": transforms.append(.utf16)
            case "windash": transforms.append(.windash)
            case "re": try setKind(.re, name)
            case "i", "m", "s":
                guard kind == .re else { throw .invalid("'\(name)' is a sub-modifier of re, in \(key)") }
                if name == "i" { regexFlags.i = true } else if name == "m" { regexFlags.m = true } else { regexFlags.s = true }
            case "cidr": try setKind(.cidr, name)
            case "exists": try setKind(.exists, name)
            case "fieldref": try setKind(.fieldref, name)
            case "lt", "lte", "gt", "gte":
                guard comparison == nil else { throw .invalid("two comparisons in \(key)") }
                comparison = Comparison(rawValue: name)
            case "minute", "hour", "day", "week", "month", "year":
                try setKind(.datePart(DatePart(rawValue: name) ?? .year), name)
            case "expand": throw .unsupported("modifier 'expand' (placeholders need a pipeline) in \(key)")
            case "": throw .invalid("an empty modifier in \(key)")
            default: throw .unsupported("modifier '\(name)' in \(key)")
            }
        }
        guard Set(transforms).count == transforms.count else { throw .invalid("a transform modifier repeated in \(key)") }
        if let comparison {
            switch kind {
            case .string: kind = .compare(comparison)
            case .datePart: break
            default: throw .invalid("a comparison with another test in \(key)")
            }
        }
        let items: [YAMLValue] = if case .list(let list) = value { list } else { [value] }
        guard !items.isEmpty else { throw .invalid("\(key) has an empty list of values") }
        if kind != .string && (!transforms.isEmpty || (placement != nil && kind != .fieldref)) {
            throw .invalid("string modifiers cannot apply to the test of \(key)")
        }

        switch kind {
        case .exists:
            guard items.count == 1, case .bool(let wanted) = items[0] else { throw .invalid("\(key) needs true or false") }
            return FieldTest(field: field, key: key, kind: .exists(wanted), all: false, negated: negated)
        case .re:
            var tests: [[ValueTest]] = []
            for item in items {
                guard let pattern = item.scalarText else { throw .invalid("\(key) needs regex text, not \(item.kindName)") }
                do {
                    tests.append([.regex(try PCRE2Regex(pattern, caseless: regexFlags.i, multiline: regexFlags.m, dotAll: regexFlags.s))])
                } catch {
                    throw .invalid("regex of \(key) does not compile: \(error.description)")
                }
            }
            return FieldTest(field: field, key: key, kind: .values(tests), all: all, negated: negated)
        case .cidr:
            let tests = try items.map { (item: YAMLValue) throws(RuleRejection) -> [ValueTest] in
                guard let text = item.scalarText, let block = CIDRBlock(text) else {
                    throw .invalid("\(key): not a network: \(item.scalarText ?? item.kindName)")
                }
                return [.cidr(block)]
            }
            return FieldTest(field: field, key: key, kind: .values(tests), all: all, negated: negated)
        case .compare(let op):
            let tests = try items.map { (item: YAMLValue) throws(RuleRejection) -> [ValueTest] in [.number(op, try number(item, key))] }
            return FieldTest(field: field, key: key, kind: .values(tests), all: all, negated: negated)
        case .datePart(let part):
            let op = comparison ?? .eq
            let tests = try items.map { (item: YAMLValue) throws(RuleRejection) -> [ValueTest] in [.datePart(part, op, try number(item, key))] }
            return FieldTest(field: field, key: key, kind: .values(tests), all: all, negated: negated)
        case .fieldref:
            let mode: StringPattern.FieldRefMode =
                switch placement {
                case nil: .equals
                case .contains?: .contains
                case .startswith?: .prefix
                case .endswith?: .suffix
                }
            let tests = try items.map { (item: YAMLValue) throws(RuleRejection) -> [ValueTest] in
                guard let name = item.text, !name.isEmpty else { throw .invalid("\(key) needs a field name") }
                return [.fieldref(name, mode, cased: cased)]
            }
            return FieldTest(field: field, key: key, kind: .values(tests), all: all, negated: negated)
        case .string:
            var tests: [[ValueTest]] = []
            for item in items {
                tests.append(try stringTests(item, key: key, keyword: field == nil, transforms, placement, cased: cased))
            }
            return FieldTest(field: field, key: key, kind: .values(tests), all: all, negated: negated)
        }
    }

    private static func number(_ item: YAMLValue, _ key: String) throws(RuleRejection) -> Double {
        switch item {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): if let d = Double(s) { return d }
        default: break
        }
        throw .invalid("\(key) needs a number, not \(item.scalarText ?? item.kindName)")
    }

    private static func stringTests(
        _ item: YAMLValue, key: String, keyword: Bool, _ transforms: [Transform], _ placement: Placement?, cased: Bool
    ) throws(RuleRejection) -> [ValueTest] {
        var variants: [SigmaString]
        switch item {
        case .null:
            guard transforms.isEmpty, placement == nil, !keyword else { throw .invalid("\(key): null cannot take modifiers") }
            return [.null]
        case .string(let s): variants = [SigmaString(parsing: s)]
        case .int, .double, .bool: variants = [SigmaString(literal: item.scalarText ?? "")]
        case .list, .map: throw .invalid("\(key): a value must be a scalar, not \(item.kindName)")
        }
        var encoding: ((String) -> [UInt8])?
        var encodingName = ""
        for transform in transforms {
            switch transform {
            case .windash:
                // Checked as it grows: repeated transforms multiply the patterns.
                guard variants.count <= Self.maxVariants else { break }
                variants = variants.flatMap { $0.windashVariants() }
            case .utf16le, .utf16be, .utf16:
                encoding = transform == .utf16le ? ValueEncoding.utf16LE : transform == .utf16be ? ValueEncoding.utf16BE : ValueEncoding.utf16
                encodingName = "\(transform)"
            case .base64, .base64offset:
                guard variants.count <= Self.maxVariants else { break }
                var encoded: [SigmaString] = []
                for variant in variants {
                    guard let plain = variant.plainText else { throw .invalid("\(key): base64 of a value with wildcards") }
                    let bytes = encoding?(plain) ?? Array(plain.utf8)
                    let texts = transform == .base64 ? [ValueEncoding.base64(bytes)] : ValueEncoding.base64Offsets(bytes)
                    encoded += texts.map { SigmaString(literal: $0) }
                }
                variants = encoded
                encoding = nil
            }
        }
        if encoding != nil { throw .unsupported("\(encodingName) without a following base64/base64offset, in \(key)") }
        guard variants.count <= Self.maxVariants else {
            throw .invalid("\(key): its modifiers make more than \(Self.maxVariants) patterns of one value")
        }
        let effective = placement ?? (keyword ? .contains : nil)
        return variants.map { variant in
            let placed: SigmaString =
                switch effective {
                case nil: variant
                case .contains?: variant.prepending(.anyRun).appending(.anyRun)
                case .startswith?: variant.appending(.anyRun)
                case .endswith?: variant.prepending(.anyRun)
                }
            return .string(StringPattern(placed, cased: cased))
        }
    }
}
