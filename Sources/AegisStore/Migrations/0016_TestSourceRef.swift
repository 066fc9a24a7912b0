extension Migrations {
    /// What an importer made a test from (`TestSourceRef`, such as
    /// `caldera:link:<id>`): at most one test per reference, so creating
    /// the same one again finds the first. Tests without one hold NULL,
    /// which the unique index does not compare.
    static let testSourceRefSchema = """
        ALTER TABLE tests ADD COLUMN source_ref TEXT;
        CREATE UNIQUE INDEX tests_by_source_ref ON tests (source_ref);
        """
}
