import Foundation

/// An ATT&CK technique that a D3FEND technique counters, through the
/// digital artifacts both act on.
public struct D3FENDMapping: Sendable, Equatable {
    /// `T1059.001`.
    public var attackID: String
    public var attackName: String
    /// Whether D3FEND's ATT&CK release marks the technique deprecated.
    public var attackDeprecated: Bool
    /// `D3-PSA`.
    public var d3fendID: String
    /// Artifact paths, `offensive relation:offensive artifact<defensive
    /// relation:defensive artifact` (`executes:ExecutableScript<analyzes:ExecutableFile`).
    public var artifacts: [String]

    public init(
        attackID: String, attackName: String = "", attackDeprecated: Bool = false, d3fendID: String,
        artifacts: [String] = []
    ) {
        self.attackID = attackID
        self.attackName = attackName
        self.attackDeprecated = attackDeprecated
        self.d3fendID = d3fendID
        self.artifacts = artifacts
    }

    /// Reads `attack_to_d3fend.csv`: a header with `attack_id` and
    /// `d3fend_id`, optionally `attack_name`, `attack_deprecated` and
    /// `artifact_paths(...)` (paths joined by `;`), then one row per pair.
    public static func readCSV(_ data: Data, file: String = "attack_to_d3fend.csv") throws(D3FENDDataError)
        -> [D3FENDMapping]
    {
        let table = try D3FENDTable(data, file: file, required: ["attack_id", "d3fend_id"])
        var out: [D3FENDMapping] = []
        for row in table.rows {
            let paths = table.field(row, "artifact_paths").split(separator: ";")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            out.append(
                D3FENDMapping(
                    attackID: try table.required(row, "attack_id"), attackName: table.field(row, "attack_name"),
                    attackDeprecated: table.field(row, "attack_deprecated").lowercased() == "true",
                    d3fendID: try table.required(row, "d3fend_id"), artifacts: paths))
        }
        return out
    }
}
