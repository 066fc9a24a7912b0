import Foundation

/// A D3FEND defensive technique, as D3FEND's data names it.
public struct D3FENDTechnique: Sendable, Equatable {
    /// `D3-PSA`.
    public var id: String
    public var name: String
    /// A D3FEND tactic: `Model`, `Harden`, `Detect`, `Isolate`, `Deceive`,
    /// `Evict` or `Restore`.
    public var tactic: String
    /// The name of the technique it specialises; empty for a top-level one.
    public var parentName: String
    /// The ontology's name for it (`ProcessSpawnAnalysis`) or its whole IRI.
    public var iri: String
    public var definition: String

    public init(
        id: String, name: String, tactic: String, parentName: String = "", iri: String = "", definition: String = ""
    ) {
        self.id = id
        self.name = name
        self.tactic = tactic
        self.parentName = parentName
        self.iri = iri
        self.definition = definition
    }

    /// Reads `d3fend_techniques.csv`: a header with `d3fend_id`, `name`,
    /// `tactic` and optionally `parent`, `iri` and `definition`, then one
    /// row per technique. Quoted fields may hold commas, quotes and line breaks.
    public static func readCSV(_ data: Data, file: String = "d3fend_techniques.csv") throws(D3FENDDataError)
        -> [D3FENDTechnique]
    {
        let table = try D3FENDTable(data, file: file, required: ["d3fend_id", "name", "tactic"])
        var out: [D3FENDTechnique] = []
        for row in table.rows {
            out.append(
                D3FENDTechnique(
                    id: try table.required(row, "d3fend_id"), name: try table.required(row, "name"),
                    tactic: try table.required(row, "tactic"), parentName: table.field(row, "parent"),
                    iri: table.field(row, "iri"), definition: table.field(row, "definition")))
        }
        return out
    }
}
