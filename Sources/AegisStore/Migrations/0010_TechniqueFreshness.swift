extension Migrations {
    /// Freshness kept per technique and 30-day period (`FreshnessPeriods`):
    /// how many procedures were last validated in the period and the sum of
    /// their seconds into it. A score then reads a dozen rows per technique
    /// instead of one row per procedure (docs/SCORING.md).
    static let techniqueFreshnessSchema = """
        CREATE TABLE technique_freshness (
            technique_id TEXT NOT NULL,
            period INTEGER NOT NULL,
            procedures INTEGER NOT NULL,
            seconds_sum INTEGER NOT NULL,
            PRIMARY KEY (technique_id, period)
        );
        INSERT INTO technique_freshness (technique_id, period, procedures, seconds_sum)
        SELECT technique_id, validated_at / 2592000000000, count(*),
            sum(validated_at / 1000000 - (validated_at / 2592000000000) * 2592000)
        FROM procedure_coverage WHERE outcome IS NOT NULL AND validated_at IS NOT NULL
        GROUP BY technique_id, validated_at / 2592000000000;
        """
}
