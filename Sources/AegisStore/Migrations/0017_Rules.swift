extension Migrations {
    /// Detection rules (`rule.*`): each rule's definition, where it came
    /// from and its operational state in one row; the techniques it maps for
    /// filters and coverage; and the change log every instance's engine
    /// follows in revision order (`rule_revisions` numbers the changes, one
    /// row locked by each change). `rule_sources` is the rules directory's
    /// view: each file, the rules it holds, and why it failed when it did.
    static let rulesSchema = """
        CREATE TABLE rule_revisions (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            revision INTEGER NOT NULL
        );
        INSERT INTO rule_revisions (id, revision) VALUES (1, 0);
        CREATE TABLE rules (
            id TEXT PRIMARY KEY,
            format TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            level TEXT,
            evaluable INTEGER NOT NULL,
            rule_version TEXT,
            status TEXT,
            logsource TEXT NOT NULL,
            technique_ids TEXT NOT NULL,
            tactic_ids TEXT NOT NULL,
            source_text TEXT NOT NULL,
            kind TEXT NOT NULL,
            referenced_rules TEXT NOT NULL,
            reference_name TEXT,
            source_name TEXT NOT NULL,
            origin TEXT NOT NULL,
            revision INTEGER NOT NULL,
            version INTEGER NOT NULL,
            state TEXT NOT NULL,
            confidence_max INTEGER,
            state_expires_at INTEGER,
            state_reason TEXT,
            state_set_by TEXT,
            state_set_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX rules_by_format ON rules (format, id);
        CREATE INDEX rules_by_revision ON rules (revision);
        CREATE INDEX rules_by_state_expiry ON rules (state_expires_at);
        CREATE TABLE rule_techniques (
            rule_id TEXT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
            technique_id TEXT NOT NULL,
            PRIMARY KEY (rule_id, technique_id)
        );
        CREATE INDEX rule_techniques_by_technique ON rule_techniques (technique_id, rule_id);
        CREATE TABLE rule_changes (
            revision INTEGER PRIMARY KEY,
            rule_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE TABLE rule_sources (
            name TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            error TEXT,
            rule_ids TEXT NOT NULL,
            content_sha256 TEXT,
            synced_at INTEGER NOT NULL
        );
        """
}
