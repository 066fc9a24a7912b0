extension Migrations {
    /// Events committed on PostgreSQL but not numbered yet. Writers commit
    /// side by side and put their events here; a short sequencing
    /// transaction (one at a time per deployment) moves them into `events`
    /// with the next `seq` numbers, so commits never queue behind one
    /// another for numbers. SQLite numbers events in the writer's own
    /// transaction and leaves this table empty.
    static let pendingEventsSchema = """
        CREATE TABLE pending_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            source TEXT NOT NULL,
            actor TEXT,
            subject_kind TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            payload TEXT NOT NULL
        );
        """
}
