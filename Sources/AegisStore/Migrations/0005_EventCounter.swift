extension Migrations {
    /// The last `seq` handed out. A commit that appends events takes the
    /// next numbers from this one row in its own transaction, so numbers
    /// follow commit order and have no gaps, also when several aegisd share
    /// one PostgreSQL (the row lock orders their commits).
    static let eventCounterSchema = """
        CREATE TABLE event_counter (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last_seq INTEGER NOT NULL
        );
        INSERT INTO event_counter (id, last_seq) SELECT 1, coalesce(max(seq), 0) FROM events;
        """
}
