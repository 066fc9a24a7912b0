extension Migrations {
    /// The ATT&CK data components a team records it collects: a
    /// technique's visibility is then derived from its detection
    /// strategies' analytics' data components (docs/SCORING.md).
    static let collectedDataComponentsSchema = """
        CREATE TABLE collected_data_components (
            data_component_id TEXT PRIMARY KEY,
            collected_at INTEGER NOT NULL,
            collected_by TEXT
        );
        CREATE INDEX detection_links_by_domain ON detection_links (domain, technique_id, data_component_id);
        """
}
