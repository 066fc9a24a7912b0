extension Migrations {
    /// Indexes the reports read: live tests per technique (a covering
    /// index), and tests by when they were attacked.
    static let reportIndexesSchema = """
        CREATE INDEX tests_by_technique_state ON tests (technique_id, state);
        CREATE INDEX tests_by_attack ON tests (attack_started_at);
        """
}
