extension Migrations {
    /// API keys (only hashes of secrets) and the event outbox, whose `seq`
    /// is the deployment-wide event sequence.
    static let accessAndEventsSchema = """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            secret_hash TEXT NOT NULL UNIQUE,
            roles TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            revoked_at INTEGER
        );
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
