import AegisDomain
import TOMLKit

/// Reads Elastic detection-rules TOML (`[metadata]`, `[rule]`,
/// `[[rule.threat]]`) for coverage: never compiled, `evaluable = false`.
enum ElasticRuleReader {
    static func read(_ text: String) throws(RuleRejection) -> RuleDefinition {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw .invalid("not valid TOML: line \(error.source.begin.line): \(error.description)")
        } catch {
            throw .invalid("not valid TOML")
        }
        guard let rule = table["rule"]?.table else { throw .invalid("not an Elastic rule: no [rule] table") }
        guard let id = rule["rule_id"]?.string, !id.isEmpty else { throw .invalid("[rule] has no rule_id") }
        guard let name = rule["name"]?.string, !name.isEmpty else { throw .invalid("[rule] has no name") }
        var techniques: [String] = [], tactics: [String] = []
        if let threats = rule["threat"]?.array {
            for index in 0..<threats.count {
                guard let threat = threats[index].table else { throw .invalid("rule.threat[\(index)] must be a table") }
                if let framework = threat["framework"]?.string, !framework.hasPrefix("MITRE ATT&CK") { continue }
                if let tactic = threat["tactic"]?.table?["id"]?.string.flatMap(AttackTags.tacticID) { tactics.append(tactic) }
                guard let list = threat["technique"]?.array else { continue }
                for t in 0..<list.count {
                    guard let technique = list[t].table else { continue }
                    if let id = technique["id"]?.string.flatMap(AttackTags.techniqueID) { techniques.append(id) }
                    guard let subs = technique["subtechnique"]?.array else { continue }
                    for s in 0..<subs.count {
                        if let id = subs[s].table?["id"]?.string.flatMap(AttackTags.techniqueID) { techniques.append(id) }
                    }
                }
            }
        }
        let metadata = table["metadata"]?.table
        let severity = rule["severity"]?.string?.lowercased()
        return RuleDefinition(
            id: id, format: .elastic, name: name, description: rule["description"]?.string ?? "",
            techniqueIDs: AttackTags.withParents(techniques), tacticIDs: Array(Set(tactics)).sorted(),
            level: severity.flatMap { SigmaDocument.levels.contains($0) ? $0 : nil }, evaluable: false,
            ruleVersion: metadata?["updated_date"]?.string, status: metadata?["maturity"]?.string, sourceText: text)
    }
}
