import Foundation

/// Comparison operators of the numeric modifiers.
enum Comparison: String, Sendable {
    case lt, lte, gt, gte, eq

    func holds(_ a: Double, _ b: Double) -> Bool {
        switch self {
        case .lt: a < b
        case .lte: a <= b
        case .gt: a > b
        case .gte: a >= b
        case .eq: a == b
        }
    }
}

/// The date parts the time modifiers extract (UTC).
enum DatePart: String, Sendable, CaseIterable {
    case minute, hour, day, week, month, year

    func of(_ date: Date) -> Int {
        let c = EventTime.components(date)
        return switch self {
        case .minute: c.minute
        case .hour: c.hour
        case .day: c.day
        case .week: c.isoWeek
        case .month: c.month
        case .year: c.year
        }
    }
}

/// One test of one value of a field.
enum ValueTest: Sendable {
    case string(StringPattern)
    case regex(PCRE2Regex)
    case cidr(CIDRBlock)
    case number(Comparison, Double)
    case datePart(DatePart, Comparison, Double)
    /// The field equals (starts with, ends with, contains) another field's value.
    case fieldref(String, StringPattern.FieldRefMode, cased: Bool)
    /// The field is absent or null.
    case null

    var cost: Int {
        switch self {
        case .null: 0
        case .string(let p): p.cost
        case .number, .cidr, .datePart: 3
        case .fieldref: 6
        case .regex: 20
        }
    }
}

extension StringPattern {
    enum FieldRefMode: Sendable { case equals, prefix, suffix, contains }
}

/// One `field|modifiers: values` entry of a selection, compiled. A keyword
/// (no field) tests every field of the event.
final class FieldTest: Sendable {
    enum Kind: Sendable {
        /// Each rule value, as its alternatives (windash, base64offset variants).
        case values([[ValueTest]])
        case exists(Bool)
    }

    /// The field name; nil for a keyword.
    let field: String?
    /// The key as written (`CommandLine|contains|all`), for explanations.
    let key: String
    let kind: Kind
    /// `all`: every value must match (else any).
    let all: Bool
    /// `neq`: the field must match none of the values.
    let negated: Bool

    /// The field's number in `FieldSlots`.
    let slot: Int
    /// The same test laid out flat, when it is only literals.
    let literals: LiteralTests?

    init(field: String?, key: String, kind: Kind, all: Bool, negated: Bool) {
        self.field = field
        self.slot = field.map(FieldSlots.slot) ?? -1
        if case .values(let values) = kind, field != nil { literals = LiteralTests(values) } else { literals = nil }
        self.key = key
        self.kind = kind
        self.all = all
        self.negated = negated
    }

    var cost: Int {
        switch kind {
        case .exists: 0
        case .values(let values):
            values.reduce(0) { $0 + ($1.map(\.cost).max() ?? 0) } + (field == nil ? 50 : 0)
        }
    }

    func matches(_ context: EvaluationContext) -> Bool {
        guard let field else {
            // Keywords: some field of the event matches.
            let fields = context.allFields
            guard case .values(let values) = kind else { return false }
            let result =
                all
                ? values.allSatisfy { alternatives in fields.contains { Self.any(alternatives, $0, context) } }
                : values.contains { alternatives in fields.contains { Self.any(alternatives, $0, context) } }
            return negated ? !result : result
        }
        let resolved = context.field(field, slot: slot)
        if let literals {
            let result = literals.matches(literals.cased ? resolved.raw : resolved.lowered, all: all)
            return negated ? !result : result
        }
        switch kind {
        case .exists(let wanted):
            return resolved.present == wanted
        case .values(let values):
            let result =
                all
                ? values.allSatisfy { Self.any($0, resolved, context) } : values.contains { Self.any($0, resolved, context) }
            return negated ? !result : result
        }
    }

    private static func any(_ alternatives: [ValueTest], _ field: ResolvedField, _ context: EvaluationContext) -> Bool {
        alternatives.contains { test($0, field, context) }
    }

    static func test(_ test: ValueTest, _ field: ResolvedField, _ context: EvaluationContext) -> Bool {
        switch test {
        case .null:
            return !field.present || field.isNull
        case .string(let pattern):
            let values = pattern.cased ? field.raw : field.lowered
            for value in values where value.withUnsafeBufferPointer({ pattern.matches($0) }) { return true }
            return false
        case .regex(let regex):
            let scratch = context.regexScratch
            for value in field.raw {
                switch value.withUnsafeBufferPointer({ regex.search($0, scratch) }) {
                case .match: return true
                case .noMatch: continue
                case .limitHit: context.regexLimitHits += 1
                }
            }
            return false
        case .cidr(let block):
            return field.texts.contains { block.contains($0) }
        case .number(let comparison, let bound):
            return field.texts.contains { text in
                Double(text.trimmingCharacters(in: .whitespaces)).map { comparison.holds($0, bound) } ?? false
            }
        case .datePart(let part, let comparison, let bound):
            return field.texts.contains { text in
                EventTime.parse(text).map { comparison.holds(Double(part.of($0)), bound) } ?? false
            }
        case .fieldref(let other, let mode, let cased):
            let reference = context.field(other)
            let mine = cased ? field.raw : field.lowered
            let theirs = cased ? reference.raw : reference.lowered
            for a in mine {
                for b in theirs {
                    let hit: Bool =
                        switch mode {
                        case .equals: a == b
                        case .prefix: a.starts(with: b)
                        case .suffix: a.count >= b.count && a[(a.count - b.count)...].elementsEqual(b)
                        case .contains:
                            a.withUnsafeBufferPointer { av in b.withUnsafeBufferPointer { StringPattern.find($0, in: av) } }
                        }
                    if hit { return true }
                }
            }
            return false
        }
    }
}
