import Foundation

/// Reads a framework from a simple CSV file: one row per control and
/// technique it maps to.
///
/// ```
/// control_id,control_name,control_group,technique_id,mapping_type
/// AC-2,Account Management,AC,T1078,mitigates
/// AC-2,,,t1078.004 ,mitigates
/// "PE-3","Physical Access Control, Facilities",PE,,
/// ```
///
/// - Text is UTF-8, RFC 4180: comma-separated; CRLF or LF line ends; a field
///   in double quotes may hold commas, line breaks and `""` for a quote; a
///   byte order mark at the start is ignored; blank lines are skipped.
/// - The first row is a header. Names are matched trimmed and
///   case-insensitively, in any order; other columns are ignored. Required:
///   `control_id`, `technique_id`. Optional: `control_name`,
///   `control_group`, `mapping_type`.
/// - Values are trimmed. A row may have fewer fields than the header (the
///   rest are empty) but not more.
/// - A row with an empty `control_id` is skipped (counted). A row with an
///   empty `technique_id` defines the control without a mapping. A control's
///   name and group are the first non-empty ones given for it; the name
///   defaults to the id. `mapping_type` is lowercased; empty means none.
/// - Technique ids are trimmed and uppercased and must be `T####` or
///   `T####.###`; unknown or malformed ones are reported in the result and
///   their mappings dropped.
/// - The framework's id, name and version are not in the file: they are
///   parameters.
public enum ComplianceCSVParser {
    /// The header names, as they must be spelled (in any case).
    public static let controlIDColumn = "control_id", techniqueIDColumn = "technique_id",
        controlNameColumn = "control_name", controlGroupColumn = "control_group", mappingTypeColumn = "mapping_type"

    /// Parses `content` as framework `framework` (a slug, field `framework`),
    /// named `name` (default: the id), version `version` (default: empty).
    /// Technique ids outside `knownTechniqueIDs` are reported, not imported.
    /// Throws `INVALID_ARGUMENT` (field `content`) on malformed content or
    /// content that defines no control.
    public static func parse(
        _ content: Data, framework: String, name: String? = nil, version: String? = nil,
        knownTechniqueIDs: Set<String>
    ) throws(AegisError) -> ComplianceImport {
        let id = framework.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard ComplianceID.isSlug(id) else {
            throw .invalidArgument(
                "framework",
                "framework must be 1 to \(ComplianceID.maxFrameworkIDLength) characters of a-z, 0-9, '.', '_' or '-'")
        }
        let records = try CSVReader.records(content, field: "content")
        guard let header = records.first else { throw invalid("content is empty") }
        let columns = Columns(header.fields)
        guard let controlColumn = columns.controlID, let techniqueColumn = columns.techniqueID else {
            let missing = [
                columns.controlID == nil ? controlIDColumn : nil, columns.techniqueID == nil ? techniqueIDColumn : nil,
            ].compactMap { $0 }
            throw invalid("content is missing required columns: \(missing.joined(separator: ", "))")
        }

        var builder = ComplianceImportBuilder(known: knownTechniqueIDs)
        for record in records.dropFirst() {
            let fields = record.fields
            guard fields.count <= header.fields.count else {
                throw invalid(
                    "line \(record.line) has \(fields.count) fields, but the header has \(header.fields.count)")
            }
            func value(_ column: Int?) -> String? {
                guard let column, column < fields.count else { return nil }
                return ComplianceText.clean(fields[column])
            }
            guard let control = value(controlColumn), control.count <= ComplianceID.maxControlIDLength else {
                builder.skipped += 1
                continue
            }
            builder.addControl(id: control, name: value(columns.controlName), group: value(columns.controlGroup))
            if let technique = value(techniqueColumn) {
                builder.addMapping(
                    control: control, rawTechnique: technique,
                    type: ComplianceText.mappingType(value(columns.mappingType)))
            }
        }
        guard !builder.controls.isEmpty else { throw invalid("content defines no controls") }
        let result = ComplianceFramework(
            id: id, name: ComplianceText.clean(name) ?? id, version: ComplianceText.clean(version) ?? "",
            format: .csv, controls: builder.controls, mappings: builder.mappings)
        return ComplianceImport(
            framework: result, unknownTechniqueIDs: builder.unknownTechniqueIDs,
            invalidTechniqueIDs: builder.invalidTechniqueIDs, skippedObjects: builder.skipped)
    }

    private static func invalid(_ message: String) -> AegisError { .invalidArgument("content", message) }

    /// Where each known column is; the first of duplicates wins.
    private struct Columns {
        var controlID: Int?, techniqueID: Int?, controlName: Int?, controlGroup: Int?, mappingType: Int?

        init(_ header: [String]) {
            for (i, raw) in header.enumerated() {
                switch raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
                case controlIDColumn where controlID == nil: controlID = i
                case techniqueIDColumn where techniqueID == nil: techniqueID = i
                case controlNameColumn where controlName == nil: controlName = i
                case controlGroupColumn where controlGroup == nil: controlGroup = i
                case mappingTypeColumn where mappingType == nil: mappingType = i
                default: continue
                }
            }
        }
    }
}
