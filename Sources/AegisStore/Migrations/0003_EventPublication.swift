extension Migrations {
    /// How far each daemon instance has published the outbox, kept with the
    /// events themselves so the two can never disagree.
    static let eventPublicationSchema = """
        CREATE TABLE event_publication (
            instance TEXT PRIMARY KEY,
            published_seq INTEGER NOT NULL
        );
        """
}
