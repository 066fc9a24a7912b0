import AegisDomain

/// Reads one Sigma YAML document: a rule (`detection`), a correlation
/// (`correlation`) or a filter (`filter`), into its definition and
/// compiled body.
enum SigmaDocument {
    static let levels: Set<String> = ["informational", "low", "medium", "high", "critical"]

    /// The id a document without one would have to be referred to by.
    static func id(of map: YAMLMap) -> String? { map["id"]?.scalarText }

    static func read(_ map: YAMLMap, text: String) throws(RuleRejection) -> (definition: RuleDefinition, rule: CompiledRule) {
        if let action = map["action"]?.scalarText {
            throw .unsupported("Sigma 1 collection action '\(action)' (global/reset/repeat documents)")
        }
        guard let id = map["id"]?.scalarText, !id.isEmpty else { throw .invalid("missing id") }
        guard let title = map["title"]?.scalarText, !title.isEmpty else { throw .invalid("missing title") }
        let level = map["level"]?.scalarText?.lowercased()
        if let given = level, !levels.contains(given) { throw .invalid("unknown level '\(given)'") }
        let tags = map["tags"]?.textList ?? []
        let (techniques, tactics) = AttackTags.fromSigmaTags(tags)
        var logsource: [String: String] = [:]
        if let source = map["logsource"] {
            guard let entries = source.mapping else { throw .invalid("logsource must be a mapping") }
            for (key, value) in entries.entries where ["product", "category", "service"].contains(key) {
                guard let text = value.scalarText else { throw .invalid("logsource.\(key) must be text") }
                logsource[key] = text.lowercased()
            }
        }
        var kind = RuleDefinition.Kind.detection
        var references: [String] = []
        let body: CompiledRule.Body
        if let correlation = map["correlation"] {
            guard let spec = correlation.mapping else { throw .invalid("correlation must be a mapping") }
            let compiled = try CorrelationSpec.read(spec, document: map)
            kind = .correlation
            references = compiled.rules
            body = .correlation(compiled)
        } else if let filter = map["filter"] {
            guard let spec = filter.mapping else { throw .invalid("filter must be a mapping") }
            guard let rules = spec["rules"]?.textList, !rules.isEmpty else { throw .invalid("filter.rules must name rules") }
            let detection = YAMLMap(entries: spec.entries.filter { $0.key != "rules" })
            kind = .filter
            references = rules
            body = .filter(try CompiledDetection.compile(detection))
        } else if let detection = map["detection"] {
            guard let block = detection.mapping else { throw .invalid("detection must be a mapping") }
            body = .sigma(try CompiledDetection.compile(block))
        } else {
            throw .invalid("not a Sigma rule: no detection, correlation or filter")
        }
        let definition = RuleDefinition(
            id: id, format: .sigma, name: title, description: map["description"]?.scalarText ?? "",
            techniqueIDs: techniques, tacticIDs: tactics, level: level, evaluable: true, ruleVersion: nil,
            status: map["status"]?.scalarText?.lowercased(), logsource: logsource, sourceText: text, kind: kind,
            referencedRules: references, referenceName: map["name"]?.scalarText)
        return (definition, CompiledRule(definition: definition, body: body))
    }
}
