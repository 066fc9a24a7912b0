extension Migrations {
    /// Coverage snapshots (`snapshot.*`): the organisation's score with each
    /// tactic's and each technique's score and status at a moment, so later
    /// states can be compared with it.
    static let snapshotsSchema = """
        CREATE TABLE snapshots (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            domain TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            created_by TEXT,
            weights_version INTEGER NOT NULL,
            score REAL NOT NULL,
            techniques INTEGER NOT NULL,
            statuses TEXT NOT NULL
        );
        CREATE INDEX snapshots_by_created ON snapshots (created_at, id);
        CREATE TABLE snapshot_tactics (
            snapshot_id TEXT NOT NULL REFERENCES snapshots (id),
            tactic_id TEXT NOT NULL,
            shortname TEXT NOT NULL,
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            score REAL NOT NULL,
            techniques INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, tactic_id)
        );
        CREATE TABLE snapshot_techniques (
            snapshot_id TEXT NOT NULL REFERENCES snapshots (id),
            technique_id TEXT NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            score REAL NOT NULL,
            PRIMARY KEY (snapshot_id, technique_id)
        );
        """
}
