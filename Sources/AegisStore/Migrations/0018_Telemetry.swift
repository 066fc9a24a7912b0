extension Migrations {
    /// Telemetry and detections. Events are kept as received (`body`, the
    /// encoding the daemon chose) for `telemetry_retention`; their ids are
    /// time-ordered, so inserts append and the purge cuts at one end.
    /// Detections outlive the events they point to; a detection's id comes
    /// from the event's content and the rule revision, so the same event
    /// ingested twice makes no second one. `detection_techniques` serves
    /// `detection.list {technique_id}` and coverage by technique.
    static let telemetrySchema = """
        CREATE TABLE telemetry_events (
            id TEXT PRIMARY KEY,
            received_at INTEGER NOT NULL,
            occurred_at INTEGER NOT NULL,
            host TEXT,
            source TEXT,
            agent TEXT,
            size INTEGER NOT NULL,
            body BLOB NOT NULL
        );
        CREATE INDEX telemetry_by_occurred ON telemetry_events (occurred_at, id);
        CREATE TABLE detections (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            rule_revision INTEGER NOT NULL,
            rule_format TEXT NOT NULL,
            technique_ids TEXT NOT NULL,
            tactic_ids TEXT NOT NULL,
            confidence INTEGER NOT NULL,
            level TEXT,
            event_id TEXT,
            host TEXT,
            occurred_at INTEGER NOT NULL,
            detected_at INTEGER NOT NULL,
            evidence TEXT NOT NULL
        );
        CREATE INDEX detections_by_occurred ON detections (occurred_at, id);
        CREATE INDEX detections_by_rule ON detections (rule_id, occurred_at);
        CREATE INDEX detections_by_host ON detections (host COLLATE NOCASE, occurred_at);
        CREATE TABLE detection_techniques (
            technique_id TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            detection_id TEXT NOT NULL REFERENCES detections (id) ON DELETE CASCADE,
            PRIMARY KEY (technique_id, occurred_at, detection_id)
        );
        """
}
