import Foundation

/// What D3FEND's web API answers for one ATT&CK technique
/// (`/api/offensive-technique/attack/T1059.001.json`): a SPARQL JSON
/// result whose `off_to_def.results.bindings[]` are rows of
/// `{variable: {type, value}}`. A row without `def_tech` names no
/// countermeasure (the technique's own artifacts) and is skipped.
public struct D3FENDAPIAnswer: Sendable, Equatable {
    /// The countermeasures the rows name, in first-seen order; definitions
    /// are not part of the answer.
    public var techniques: [D3FENDTechnique]
    /// One per row, in row order (a pair may come in several rows, one per
    /// artifact path).
    public var mappings: [D3FENDMapping]

    public init(techniques: [D3FENDTechnique], mappings: [D3FENDMapping]) {
        self.techniques = techniques
        self.mappings = mappings
    }

    public static func read(_ data: Data, file: String = "D3FEND API answer") throws(D3FENDDataError) -> D3FENDAPIAnswer
    {
        let bindings: [[String: Binding]]
        do {
            bindings = try JSONDecoder().decode(Body.self, from: data).offToDef.results.bindings
        } catch {
            throw D3FENDDataError(file: file, reason: "not a D3FEND API answer (off_to_def.results.bindings)")
        }
        var techniques: [D3FENDTechnique] = []
        var seen: Set<String> = []
        var mappings: [D3FENDMapping] = []
        for (i, row) in bindings.enumerated() {
            func value(_ key: String) -> String {
                row[key]?.value.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            }
            guard row["def_tech"] != nil else { continue }
            let attackID = value("off_tech_id")
            let d3fendID = value("def_tech_id")
            guard !attackID.isEmpty, !d3fendID.isEmpty else {
                throw D3FENDDataError(file: file, reason: "binding \(i) has no off_tech_id or def_tech_id")
            }
            if seen.insert(d3fendID).inserted {
                techniques.append(
                    D3FENDTechnique(
                        id: d3fendID, name: value("def_tech_label"), tactic: value("def_tactic_label"),
                        parentName: value("def_tech_parent_label"), iri: value("def_tech")))
            }
            let path =
                "\(value("off_artifact_rel_label")):\(fragment(value("off_artifact")))"
                + "<\(value("def_artifact_rel_label")):\(fragment(value("def_artifact")))"
            mappings.append(
                D3FENDMapping(
                    attackID: attackID, attackName: value("off_tech_label"), d3fendID: d3fendID, artifacts: [path]))
        }
        return D3FENDAPIAnswer(techniques: techniques, mappings: mappings)
    }

    /// What follows `#` in an IRI, or the IRI when it has none.
    static func fragment(_ iri: String) -> String {
        iri.split(separator: "#", omittingEmptySubsequences: false).last.map(String.init) ?? iri
    }

    struct Binding: Decodable { var value: String }
    struct Results: Decodable { var bindings: [[String: Binding]] }
    struct Query: Decodable { var results: Results }
    struct Body: Decodable {
        var offToDef: Query
        enum CodingKeys: String, CodingKey { case offToDef = "off_to_def" }
    }
}
