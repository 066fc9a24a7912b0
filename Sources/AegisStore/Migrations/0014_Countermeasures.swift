extension Migrations {
    /// Countermeasures (`countermeasure.*`): D3FEND defensive techniques,
    /// each held by the source that syncs it, and the ATT&CK techniques
    /// each addresses. A sync replaces its source's set whole.
    static let countermeasuresSchema = """
        CREATE TABLE countermeasure_sources (
            source TEXT PRIMARY KEY,
            version TEXT NOT NULL,
            countermeasures INTEGER NOT NULL,
            links INTEGER NOT NULL,
            synced_at INTEGER NOT NULL,
            synced_by TEXT
        );
        CREATE TABLE countermeasures (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL REFERENCES countermeasure_sources (source),
            name TEXT NOT NULL,
            tactic TEXT NOT NULL,
            parent TEXT,
            iri TEXT,
            definition TEXT NOT NULL
        );
        CREATE INDEX countermeasures_by_source ON countermeasures (source, id);
        CREATE TABLE countermeasure_links (
            countermeasure_id TEXT NOT NULL REFERENCES countermeasures (id),
            technique_id TEXT NOT NULL REFERENCES techniques (id),
            artifacts TEXT NOT NULL,
            PRIMARY KEY (countermeasure_id, technique_id)
        );
        CREATE INDEX countermeasure_links_by_technique ON countermeasure_links (technique_id, countermeasure_id);
        """
}
