/// Why a rule cannot be evaluated: it is wrong, or it uses something the
/// engine does not do. Parsing refuses such rules; nothing is refused later.
public enum RuleRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule is malformed; the reason says where and how.
    case invalid(String)
    /// The rule is well formed but uses a feature the engine does not evaluate.
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalid(let reason): "invalid: \(reason)"
        case .unsupported(let feature): "unsupported: \(feature)"
        }
    }

    /// The same rejection with `context` before its text.
    func prefixed(_ context: String) -> RuleRejection {
        switch self {
        case .invalid(let reason): .invalid("\(context): \(reason)")
        case .unsupported(let feature): .unsupported("\(context): \(feature)")
        }
    }
}
