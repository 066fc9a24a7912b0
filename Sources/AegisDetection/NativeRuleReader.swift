import AegisDomain

/// An Aegis native rule, compiled: a detection like Sigma's, the source
/// kinds it applies to, what it emits, and which fields are its evidence.
struct NativeRule: Sendable {
    let detection: CompiledDetection
    /// Source kinds (lower case); empty: every event.
    let appliesTo: [String]
    let evidenceFields: [String]
    /// The highest `emits` confidence.
    let confidence: Int
}

/// Reads Aegis native rules (YAML; docs/DETECTION.md has an example):
/// `rule_id`, `rule_version`, `name`, `description`, `level`, `applies_to`,
/// `match` (`{field, pattern}` with a PCRE2 pattern, or a Sigma-style
/// `detection` with its condition), `emits` (`technique_id`,
/// `sub_technique_id`, `tactic`, `confidence`) and `evidence_fields`.
enum NativeRuleReader {
    static func read(_ map: YAMLMap, text: String) throws(RuleRejection) -> CompiledRule {
        guard let id = map["rule_id"]?.scalarText, !id.isEmpty else { throw .invalid("missing rule_id") }
        guard let name = map["name"]?.scalarText, !name.isEmpty else { throw .invalid("missing name") }
        let level = map["level"]?.scalarText?.lowercased()
        if let level, !SigmaDocument.levels.contains(level) { throw .invalid("unknown level '\(level)'") }
        guard let emitsValue = map["emits"], let emits = emitsValue.items, !emits.isEmpty else {
            throw .invalid("emits must list at least one technique")
        }
        var techniques: [String] = [], tactics: Set<String> = [], confidence = 0
        for (index, emit) in emits.enumerated() {
            guard let entry = emit.mapping else { throw .invalid("emits[\(index)] must be a mapping") }
            guard let given = entry["technique_id"]?.scalarText, !given.isEmpty else {
                throw .invalid("emits[\(index)] has no technique_id")
            }
            guard let technique = AttackTags.techniqueID(given) else { throw .invalid("emits[\(index)].technique_id '\(given)' is not a technique id") }
            techniques.append(technique)
            if let sub = entry["sub_technique_id"]?.scalarText, !sub.isEmpty {
                let full = sub.hasPrefix(".") ? technique + sub : sub.contains(".") ? sub : "\(technique).\(sub)"
                guard let subID = AttackTags.techniqueID(full), subID.contains("."), subID.hasPrefix(technique.prefix(5)) else {
                    throw .invalid("emits[\(index)].sub_technique_id '\(sub)' is not a sub-technique of \(technique)")
                }
                techniques.append(subID)
            }
            if let tactic = entry["tactic"]?.scalarText {
                guard let tacticID = AttackTags.tacticID(tactic) else { throw .invalid("emits[\(index)].tactic '\(tactic)' is unknown") }
                tactics.insert(tacticID)
            }
            var value = RuleConfidence.of(level: level)
            if let given = entry["confidence"] {
                guard case .int(let c) = given, (0...100).contains(c) else {
                    throw .invalid("emits[\(index)].confidence must be an integer 0...100")
                }
                value = Int(c)
            }
            confidence = max(confidence, value)
        }
        guard let match = map["match"]?.mapping else { throw .invalid("match must be a mapping") }
        let detection = try matchDetection(match)
        let appliesTo = try texts(map["applies_to"], "applies_to").map { $0.lowercased() }
        let evidence = try texts(map["evidence_fields"], "evidence_fields")
        let definition = RuleDefinition(
            id: id, format: .native, name: name, description: map["description"]?.scalarText ?? "",
            techniqueIDs: AttackTags.withParents(techniques), tacticIDs: tactics.sorted(), level: level, evaluable: true,
            ruleVersion: map["rule_version"]?.scalarText, status: map["status"]?.scalarText, sourceText: text)
        let rule = NativeRule(detection: detection, appliesTo: appliesTo, evidenceFields: evidence, confidence: confidence)
        return CompiledRule(definition: definition, body: .native(rule))
    }

    private static func matchDetection(_ match: YAMLMap) throws(RuleRejection) -> CompiledDetection {
        if let detection = match["detection"] {
            guard let block = detection.mapping else { throw .invalid("match.detection must be a mapping") }
            do { return try CompiledDetection.compile(block) } catch { throw error.prefixed("match.detection") }
        }
        if match["condition"] != nil {
            do { return try CompiledDetection.compile(match) } catch { throw error.prefixed("match") }
        }
        guard let field = match["field"]?.text, !field.isEmpty else { throw .invalid("match needs field and pattern, or a detection") }
        guard let pattern = match["pattern"]?.scalarText else { throw .invalid("match.pattern missing") }
        let block = YAMLMap(entries: [
            ("match", .map(YAMLMap(entries: [("\(field)|re", .string(pattern))]))), ("condition", .string("match")),
        ])
        do { return try CompiledDetection.compile(block) } catch { throw error.prefixed("match.pattern") }
    }

    private static func texts(_ value: YAMLValue?, _ key: String) throws(RuleRejection) -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let list = value.textList else { throw .invalid("\(key) must be a list of names") }
        return list
    }
}
