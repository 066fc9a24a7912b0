extension Migrations {
    /// A test's targets (host names, addresses, Caldera paws): kept in a
    /// column of `tests` as the test shows them, and indexed in
    /// `test_targets` for `test.list {target}`, by the whole name and by its
    /// host part, both lower-cased (`TestTargets.nameKey`, `hostKey`).
    static let testTargetsSchema = """
        ALTER TABLE tests ADD COLUMN targets TEXT NOT NULL DEFAULT '';
        CREATE TABLE test_targets (
            test_id TEXT NOT NULL REFERENCES tests (id),
            name_key TEXT NOT NULL,
            host_key TEXT NOT NULL,
            PRIMARY KEY (test_id, name_key)
        );
        CREATE INDEX test_targets_by_name ON test_targets (name_key);
        CREATE INDEX test_targets_by_host ON test_targets (host_key);
        """
}
