import AegisDomain

/// A rule ready to evaluate: its definition and what its text compiled to.
/// Immutable and shared by every engine and thread.
public final class CompiledRule: Sendable {
    enum Body: Sendable {
        /// A Sigma rule's detection.
        case sigma(CompiledDetection)
        case native(NativeRule)
        case correlation(CorrelationSpec)
        /// A Sigma filter: its detection is ANDed to the rules it names.
        case filter(CompiledDetection)
    }

    public let definition: RuleDefinition
    /// The Sigma logsource the rule is routed by (empty for native rules).
    public let logSource: RuleLogSource
    let body: Body

    init(definition: RuleDefinition, body: Body) {
        self.definition = definition
        self.logSource = RuleLogSource(definition.logsource)
        self.body = body
    }

    /// The level's confidence (native: the highest `emits` confidence).
    public var baseConfidence: Int {
        if case .native(let native) = body { return native.confidence }
        return RuleConfidence.of(level: definition.level)
    }
}

/// Confidence by Sigma level (Elastic severity alike), 0...100.
public enum RuleConfidence {
    public static let byLevel: [String: Int] = ["informational": 10, "low": 30, "medium": 50, "high": 70, "critical": 90]
    /// Confidence of a rule without a level.
    public static let unleveled = 50

    public static func of(level: String?) -> Int { level.flatMap { byLevel[$0] } ?? unleveled }

    /// The confidence a rule in `state` fires with: capped by a clipped state's maximum.
    public static func capped(_ confidence: Int, by state: RuleState) -> Int {
        guard state.kind == .clipped, let cap = state.confidenceMax else { return confidence }
        return max(0, min(confidence, cap))
    }
}

/// Compiles stored definitions (the store keeps the text; the engine needs
/// the compiled form).
public enum RuleCompiler {
    /// Compiles one rule document. Elastic rules are stored for coverage
    /// only and are refused as unsupported here.
    public static func compile(_ definition: RuleDefinition) throws(RuleRejection) -> CompiledRule {
        switch definition.format {
        case .elastic:
            throw .unsupported("Elastic rules are evaluated by Elastic, not by Aegis")
        case .sigma:
            let root: YAMLValue
            do { root = try RuleYAML.load(definition.sourceText) } catch { throw .invalid(error.reason) }
            guard let map = root.mapping else { throw .invalid("a Sigma rule is a YAML mapping") }
            return try SigmaDocument.read(map, text: definition.sourceText).rule
        case .native:
            let root: YAMLValue
            do { root = try RuleYAML.load(definition.sourceText) } catch { throw .invalid(error.reason) }
            guard let map = root.mapping else { throw .invalid("a native rule is a YAML mapping") }
            return try NativeRuleReader.read(map, text: definition.sourceText)
        }
    }
}
