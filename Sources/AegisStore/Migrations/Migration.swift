/// A numbered schema change. Applied in order at start, all pending ones in
/// one transaction, and recorded in `schema_migrations`.
struct Migration: Sendable {
    var version: Int
    var name: String
    /// SQL for SQLite; statements separated by semicolons. PostgreSQL runs
    /// its translation (`PostgresSchema`).
    var sqlite: String

}

/// Every migration, in order. Append; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "catalog", sqlite: catalogSchema),
        Migration(version: 2, name: "api_keys_and_events", sqlite: accessAndEventsSchema),
        Migration(version: 3, name: "event_publication", sqlite: eventPublicationSchema),
        Migration(version: 4, name: "workflow", sqlite: workflowSchema),
        Migration(version: 5, name: "event_counter", sqlite: eventCounterSchema),
        Migration(version: 6, name: "blob_chunks", sqlite: blobChunksSchema),
        Migration(version: 7, name: "pending_events", sqlite: pendingEventsSchema),
        Migration(version: 8, name: "scoring", sqlite: scoringSchema),
        Migration(version: 9, name: "snapshots", sqlite: snapshotsSchema),
        Migration(version: 10, name: "technique_freshness", sqlite: techniqueFreshnessSchema),
        Migration(version: 11, name: "report_indexes", sqlite: reportIndexesSchema),
        Migration(version: 12, name: "compliance", sqlite: complianceSchema),
        Migration(version: 13, name: "collected_data_components", sqlite: collectedDataComponentsSchema),
        Migration(version: 14, name: "countermeasures", sqlite: countermeasuresSchema),
        Migration(version: 15, name: "test_targets", sqlite: testTargetsSchema),
        Migration(version: 16, name: "test_source_ref", sqlite: testSourceRefSchema),
        Migration(version: 17, name: "rules", sqlite: rulesSchema),
        Migration(version: 18, name: "telemetry", sqlite: telemetrySchema),
    ]
}
