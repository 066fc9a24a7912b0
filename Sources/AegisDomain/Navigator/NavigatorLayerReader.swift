import Foundation

/// Reads an ATT&CK Navigator layer file of format 3.x (top-level `version`)
/// or 4.x (`versions.layer`) into an `ImportedLayer`.
///
/// Refused, each as `INVALID_ARGUMENT` on field `content`: text that is not
/// JSON or not one JSON object (a multi-layer list included); a missing or
/// other format version; a missing domain or one other than the expected;
/// `techniques` that is not an array; an entry that is not an object or has
/// no `techniqueID`. Everything else is lenient: unknown technique ids are
/// reported in the result, fields of the wrong type are ignored with a
/// warning, and JSON `null` counts as absent.
public enum NavigatorLayerReader {
    /// Warnings kept in a result; a last one counts the rest.
    public static let maxWarnings = 100

    /// Older names of the domains (layer format 3.x).
    static let domainAliases = ["mitre-enterprise": "enterprise-attack", "mitre-mobile": "mobile-attack"]

    /// - Parameters:
    ///   - expectedDomain: e.g. `enterprise-attack`; a layer of another domain is refused.
    ///   - knownTechniqueIDs: upper-case ids of the catalog; others go to `unknownTechniqueIDs`.
    public static func read(
        _ data: Data, expectedDomain: String = "enterprise-attack", knownTechniqueIDs: Set<String>
    ) throws(AegisError) -> ImportedLayer {
        guard let parsed = try? JSONDecoder().decode(Value.self, from: data) else {
            throw refuse("layer content is not valid JSON")
        }
        guard case .map(let root) = parsed else {
            throw refuse("layer content must be one JSON object (a single layer)")
        }

        var warnings = Warnings()
        let formatVersion = try formatVersion(of: root)
        let domain = try domain(of: root, expected: expectedDomain)
        let versions = present(root["versions"])?.mapValue ?? [:]
        let attackVersion = text(of: present(versions["attack"]))
        let name = string(root, "name", "name", &warnings) ?? ""
        if present(root["name"]) == nil { warnings.add("name is missing; left empty") }
        let description = string(root, "description", "description", &warnings) ?? ""

        let entries: [Value]
        switch present(root["techniques"]) {
        case nil: entries = []
        case .array(let items)?: entries = items
        default: throw refuse("techniques must be an array")
        }
        var techniques: [ImportedLayer.Technique] = []
        techniques.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            techniques.append(try technique(entry, index: index, &warnings))
        }
        let unknown = Set(techniques.map(\.techniqueID)).subtracting(knownTechniqueIDs).sorted()

        return ImportedLayer(
            name: name, description: description, domain: domain, formatVersion: formatVersion,
            attackVersion: attackVersion, techniques: techniques, unknownTechniqueIDs: unknown,
            warnings: warnings.list)
    }

    // MARK: Parts

    /// `versions.layer`, else the 3.x top-level `version`; 3.x or 4.x only.
    private static func formatVersion(of root: [String: Value]) throws(AegisError) -> String {
        let declared = present(present(root["versions"])?.mapValue?["layer"]) ?? present(root["version"])
        guard let declared else { throw refuse("layer format version is missing (versions.layer or version)") }
        guard let version = declared.stringValue?.trimmingCharacters(in: .whitespaces) else {
            throw refuse("layer format version must be a string such as \"4.5\"")
        }
        guard isSupported(version) else {
            throw refuse("layer format version \(brief(declared)) is not supported; expected 3.x or 4.x")
        }
        return version
    }

    /// `3`, `3.0`, `4.5`, `4.5.0`: major 3 or 4, numeric parts.
    static func isSupported(_ version: String) -> Bool {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts[0] == "3" || parts[0] == "4" else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }

    private static func domain(of root: [String: Value], expected: String) throws(AegisError) -> String {
        guard let raw = present(root["domain"]) else { throw refuse("layer domain is missing") }
        guard let domain = raw.stringValue.map(normalisedDomain), !domain.isEmpty else {
            throw refuse("layer domain must be a string such as enterprise-attack")
        }
        let wanted = normalisedDomain(expected)
        guard domain == wanted else {
            throw refuse("layer domain \(brief(.string(domain))) does not match \(brief(.string(wanted)))")
        }
        return domain
    }

    static func normalisedDomain(_ text: String) -> String {
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return domainAliases[name] ?? name
    }

    private static func technique(
        _ entry: Value, index: Int, _ warnings: inout Warnings
    ) throws(AegisError) -> ImportedLayer.Technique {
        guard case .map(let fields) = entry else { throw refuse("techniques[\(index)] is not an object") }
        guard let rawID = present(fields["techniqueID"])?.stringValue else {
            throw refuse("techniques[\(index)] has no techniqueID")
        }
        let id = rawID.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        guard !id.isEmpty else { throw refuse("techniques[\(index)] has an empty techniqueID") }

        let at = "techniques[\(index)]" + (id.count <= 16 ? " (\(id))" : "")
        var score: Double?
        if let raw = present(fields["score"]) {
            score = number(raw)
            if score == nil { warnings.add("\(at): score is not a number; ignored") }
        }
        var enabled = true
        if let raw = present(fields["enabled"]) {
            if case .bool(let flag) = raw {
                enabled = flag
            } else {
                warnings.add("\(at): enabled is not a boolean; ignored")
            }
        }
        func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        return ImportedLayer.Technique(
            techniqueID: id,
            tactic: nonEmpty(
                string(fields, "tactic", "\(at).tactic", &warnings)?
                    .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()),
            score: score,
            color: nonEmpty(string(fields, "color", "\(at).color", &warnings)?.trimmingCharacters(in: .whitespaces)),
            comment: nonEmpty(string(fields, "comment", "\(at).comment", &warnings)),
            enabled: enabled)
    }

    // MARK: Helpers

    private static func refuse(_ message: String) -> AegisError { AegisError.invalidArgument("content", message) }

    /// Nil for an absent key and for JSON `null`.
    private static func present(_ value: Value?) -> Value? {
        if case .null? = value { return nil }
        return value
    }

    /// The string at `key`; a value of another type is ignored with a warning.
    private static func string(
        _ fields: [String: Value], _ key: String, _ label: String, _ warnings: inout Warnings
    ) -> String? {
        guard let value = present(fields[key]) else { return nil }
        guard let text = value.stringValue else {
            warnings.add("\(label) is not a string; ignored")
            return nil
        }
        return text
    }

    /// A finite number, or a string holding one.
    static func number(_ value: Value) -> Double? {
        let result: Double?
        switch value {
        case .int(let i): result = Double(i)
        case .double(let d): result = d
        case .string(let s): result = Double(s.trimmingCharacters(in: .whitespaces))
        default: result = nil
        }
        return result.flatMap { $0.isFinite ? $0 : nil }
    }

    /// A version given as a string or (leniently) a number.
    private static func text(of value: Value?) -> String? {
        switch value {
        case .string(let s)?:
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        case .int(let i)?: return String(i)
        case .double(let d)? where d.isFinite: return OrderedJSON.numberText(d)
        default: return nil
        }
    }

    /// A short quotation of `value` for a message: never the whole of a long input.
    private static func brief(_ value: Value) -> String {
        switch value {
        case .string(let s):
            let clean = String(s.unicodeScalars.filter { $0.value >= 0x20 }.prefix(24).map(Character.init))
            return "\"" + clean + (s.unicodeScalars.count > 24 ? "…" : "") + "\""
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? OrderedJSON.numberText(d) : "(a number)"
        case .bool(let b): return b ? "true" : "false"
        case .array: return "(an array)"
        case .map: return "(an object)"
        case .null, .timestamp: return "(not a string)"
        }
    }
}

/// Warnings of one read, capped at `NavigatorLayerReader.maxWarnings`.
private struct Warnings {
    private(set) var kept: [String] = []
    private var dropped = 0

    mutating func add(_ warning: String) {
        if kept.count < NavigatorLayerReader.maxWarnings { kept.append(warning) } else { dropped += 1 }
    }

    var list: [String] { dropped == 0 ? kept : kept + ["\(dropped) more warnings not shown"] }
}
