extension Migrations {
    /// Scoring (docs/SCORING.md): when each procedure's latest validated
    /// test was validated (freshness), the weights' versions, and the
    /// visibility levels set by hand.
    static let scoringSchema = """
        ALTER TABLE procedure_coverage ADD COLUMN validated_at INTEGER;
        UPDATE procedure_coverage SET validated_at = (
            SELECT validated_at FROM tests
            WHERE tests.procedure_id = procedure_coverage.procedure_id AND state = 'validated'
                AND outcome IS NOT NULL AND (red_outcome IS NULL OR red_outcome != 'failed')
            ORDER BY validated_at DESC, id DESC LIMIT 1
        ) WHERE outcome IS NOT NULL;
        CREATE INDEX procedure_coverage_by_technique ON procedure_coverage (technique_id);
        CREATE TABLE score_weights (
            version INTEGER PRIMARY KEY,
            prevention INTEGER NOT NULL,
            detection INTEGER NOT NULL,
            rules INTEGER NOT NULL,
            visibility INTEGER NOT NULL,
            freshness INTEGER NOT NULL,
            set_at INTEGER NOT NULL,
            set_by TEXT
        );
        CREATE TABLE technique_visibility (
            technique_id TEXT PRIMARY KEY,
            level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
            note TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            updated_by TEXT
        );
        """
}
