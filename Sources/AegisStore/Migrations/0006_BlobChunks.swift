extension Migrations {
    /// Evidence content for `PostgresBlobStore`, so several aegisd sharing
    /// one PostgreSQL share the files too. A blob is one `blobs` row and its
    /// content cut into `blob_chunks` of `chunk_bytes` each (1 MiB), numbered
    /// from 0, so a read by offset fetches only the chunks it covers; the row
    /// and its chunks are written and removed in one transaction.
    ///
    /// SQLite gets the same tables and leaves them empty: with SQLite, the
    /// daemon keeps evidence in files (`FileBlobStore`).
    static let blobChunksSchema = """
        CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            chunk_bytes INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE blob_chunks (
            sha256 TEXT NOT NULL,
            chunk INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (sha256, chunk)
        );
        """
}
