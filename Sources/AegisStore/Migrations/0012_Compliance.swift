extension Migrations {
    /// Compliance frameworks (`compliance.*`): controls and which ATT&CK
    /// techniques each maps to. A re-import replaces a framework whole.
    static let complianceSchema = """
        CREATE TABLE compliance_frameworks (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            version TEXT NOT NULL,
            attack_version TEXT,
            domain TEXT,
            format TEXT NOT NULL,
            group_names TEXT NOT NULL,
            controls INTEGER NOT NULL,
            mappings INTEGER NOT NULL,
            imported_at INTEGER NOT NULL,
            imported_by TEXT
        );
        CREATE TABLE compliance_controls (
            framework_id TEXT NOT NULL REFERENCES compliance_frameworks (id),
            control_id TEXT NOT NULL,
            name TEXT NOT NULL,
            group_name TEXT,
            position INTEGER NOT NULL,
            PRIMARY KEY (framework_id, control_id)
        );
        CREATE TABLE compliance_mappings (
            framework_id TEXT NOT NULL REFERENCES compliance_frameworks (id),
            control_id TEXT NOT NULL,
            technique_id TEXT NOT NULL,
            mapping_type TEXT NOT NULL,
            PRIMARY KEY (framework_id, control_id, technique_id, mapping_type)
        );
        """
}
