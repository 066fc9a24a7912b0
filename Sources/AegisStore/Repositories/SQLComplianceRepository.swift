import AegisDomain
import Foundation

/// Compliance frameworks in SQL: a framework row, its controls in order,
/// and its mappings. Replacing deletes the old rows first, in the same
/// transaction.
struct SQLComplianceRepository<DB: SQLDatabase>: ComplianceRepository {
    let db: DB

    func replace(_ f: ComplianceFramework, at time: Date, by actor: String?) throws -> Bool {
        let existed = try db.prepare("SELECT 1 FROM compliance_frameworks WHERE id = ?").bind(.text(f.id)).first { _ in true } != nil
        for table in ["compliance_mappings", "compliance_controls"] {
            try db.prepare("DELETE FROM \(table) WHERE framework_id = ?").bind(.text(f.id)).run()
        }
        try db.prepare("DELETE FROM compliance_frameworks WHERE id = ?").bind(.text(f.id)).run()
        let groups = Value.map(f.groupNames.mapValues(Value.string)).jsonText
        try db.prepare(
            """
            INSERT INTO compliance_frameworks (id, name, version, attack_version, domain, format, group_names, controls,
                mappings, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            .text(f.id), .text(f.name), .text(f.version), .optional(f.attackVersion), .optional(f.domain),
            .text(f.format.rawValue), .text(groups), .int(f.controls.count), .int(f.mappings.count),
            .int(StoreTime.micros(time)), .optional(actor)
        ).run()
        try db.insertRows(
            "compliance_controls (framework_id, control_id, name, group_name, position)", columns: 5,
            f.controls.enumerated().map { i, c in [.text(f.id), .text(c.id), .text(c.name), .optional(c.group), .int(i)] })
        try db.insertRows(
            "compliance_mappings (framework_id, control_id, technique_id, mapping_type)", columns: 4,
            f.mappings.map { [.text(f.id), .text($0.controlID), .text($0.techniqueID), .text($0.mappingType ?? "")] })
        return existed
    }

    private static var summaryColumns: String {
        "id, name, version, attack_version, domain, format, controls, mappings, imported_at, imported_by, group_names"
    }

    private func summary(_ row: some SQLRow) -> ComplianceFrameworkSummary {
        ComplianceFrameworkSummary(
            id: row.text(0), name: row.text(1), version: row.text(2), attackVersion: row.optionalText(3),
            domain: row.optionalText(4), format: ComplianceFormat(rawValue: row.text(5)) ?? .csv, controls: Int(row.int(6)),
            mappings: Int(row.int(7)), importedAt: StoreTime.date(row.int(8)), importedBy: row.optionalText(9))
    }

    func frameworks() throws -> [ComplianceFrameworkSummary] {
        try db.prepare("SELECT \(Self.summaryColumns) FROM compliance_frameworks ORDER BY id").rows(summary)
    }

    func framework(id: String) throws -> ComplianceFramework? {
        guard
            let (s, groupsText) = try db.prepare("SELECT \(Self.summaryColumns) FROM compliance_frameworks WHERE id = ?")
                .bind(.text(id)).first({ (summary($0), $0.text(10)) })
        else { return nil }
        let groups = (Value(storedJSON: groupsText)?.mapValue ?? [:]).compactMapValues(\.stringValue)
        let controls = try db.prepare(
            "SELECT control_id, name, group_name FROM compliance_controls WHERE framework_id = ? ORDER BY position"
        ).bind(.text(id)).rows { ComplianceControl(id: $0.text(0), name: $0.text(1), group: $0.optionalText(2)) }
        let mappings = try db.prepare(
            """
            SELECT control_id, technique_id, mapping_type FROM compliance_mappings WHERE framework_id = ?
            ORDER BY control_id, technique_id, mapping_type
            """
        ).bind(.text(id)).rows { row in
            ControlMapping(controlID: row.text(0), techniqueID: row.text(1), mappingType: row.text(2).isEmpty ? nil : row.text(2))
        }
        return ComplianceFramework(
            id: s.id, name: s.name, version: s.version, attackVersion: s.attackVersion, domain: s.domain, format: s.format,
            groupNames: groups, controls: controls, mappings: mappings)
    }
}
