import AegisDomain
import Foundation

/// Evidence content in PostgreSQL (`blobs` and `blob_chunks`, migration 6),
/// so every aegisd sharing the database serves every file.
///
/// Content is stored in chunks of `chunkBytes`: a put streams its file a
/// chunk at a time and a read fetches only the chunks its range covers, so
/// memory stays flat whatever the size. A put writes the row and all chunks
/// in one transaction, and a remove deletes them in one statement, so a
/// reader sees a whole blob or none. Same semantics as `FileBlobStore`.
public final class PostgresBlobStore: BlobStore {
    /// Bytes per stored chunk (the last one may be shorter). Each blob row
    /// records its own, so changing this leaves older blobs readable.
    static let chunkBytes = 1 << 20

    let pool: PostgresPool

    /// Uses up to `connections` connections to `url` (a `postgres://` URL,
    /// the store's own), opened on first use. The schema comes from the
    /// store's migrations (`PostgresStore` applies them).
    public init(url: String, connections: Int = 4) {
        pool = PostgresPool(url: url, capacity: connections)
    }

    @discardableResult
    public func put(file: URL, sha256: String) throws -> Bool {
        let stored = try put(copyOf: file, sha256: sha256)
        try? FileManager.default.removeItem(at: file)
        return stored
    }

    /// Stores the content of `file` under `sha256`, streaming it a chunk at
    /// a time like `put(file:sha256:)`, but leaves `file` where it is (for
    /// `aegisctl store migrate`, which copies the user's evidence files).
    /// False when `sha256` was already stored.
    @discardableResult
    public func put(copyOf file: URL, sha256: String) throws -> Bool {
        let name = try BlobName.validated(sha256)
        return try pool.withConnection { connection in
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: 0)
            return try insert(name, size: Int64(size), on: connection) { try Self.nextChunk(of: handle) }
        }
    }

    public func put(data: Data, sha256: String) throws {
        let name = try BlobName.validated(sha256)
        try pool.withConnection { connection in
            var offset = data.startIndex
            _ = try insert(name, size: Int64(data.count), on: connection) {
                let end = data.index(offset, offsetBy: Self.chunkBytes, limitedBy: data.endIndex) ?? data.endIndex
                defer { offset = end }
                return offset == end ? nil : data.subdata(in: offset..<end)
            }
        }
    }

    public func size(sha256: String) throws -> Int64? {
        let name = try BlobName.validated(sha256)
        return try pool.withConnection { connection in
            try connection.prepare("SELECT size FROM blobs WHERE sha256 = ?").bind(.text(name)).first { $0.int(0) }
        }
    }

    public func read(sha256: String, offset: Int64, length: Int) throws -> Data {
        let name = try BlobName.validated(sha256)
        try BlobName.checkRange(offset: offset, length: length)
        let end = offset.addingReportingOverflow(Int64(length)).overflow ? Int64.max : offset + Int64(length)
        return try pool.withConnection { connection in
            try PostgresBlobReader(connection: connection).read(name, from: offset, to: end)
        }
    }

    public func remove(sha256: String) throws {
        let name = try BlobName.validated(sha256)
        _ = try pool.withConnection { connection in
            // One statement: one transaction, one snapshot.
            try connection.prepare(
                "WITH gone AS (DELETE FROM blobs WHERE sha256 = ?) DELETE FROM blob_chunks WHERE sha256 = ?"
            ).bind(.text(name), .text(name)).run()
        }
    }

    /// Stores the chunks `next` returns (nil after the last) under `name`
    /// in one transaction; false, writing nothing, when `name` was already
    /// stored. A concurrent put of the same name waits for this one's
    /// commit, then finds the row.
    private func insert(
        _ name: String, size: Int64, on connection: PostgresConnection, next: () throws -> Data?
    ) throws -> Bool {
        try connection.execute("BEGIN")
        do {
            let inserted = try connection.prepare(
                """
                INSERT INTO blobs (sha256, size, chunk_bytes, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (sha256) DO NOTHING
                """
            ).bind(.text(name), .int(size), .int(Self.chunkBytes), .int(StoreTime.micros(Date()))).run()
            guard inserted == 1 else {
                try connection.execute("ROLLBACK")
                return false
            }
            var written: Int64 = 0
            var index: Int64 = 0
            while let chunk = try next() {
                try connection.prepare("INSERT INTO blob_chunks (sha256, chunk, data) VALUES (?, ?, ?)")
                    .bind(.text(name), .int(index), .blob(chunk)).run()
                written += Int64(chunk.count)
                index += 1
            }
            guard written == size else { throw AegisError(.internal, "the file changed while it was stored") }
            try connection.execute("COMMIT")
            return true
        } catch {
            if connection.isConnected { try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// The next `chunkBytes` of `handle` (fewer at the end), nil at the end.
    private static func nextChunk(of handle: FileHandle) throws -> Data? {
        var chunk = Data()
        while chunk.count < chunkBytes, let more = try handle.read(upToCount: chunkBytes - chunk.count), !more.isEmpty {
            chunk.append(more)
        }
        return chunk.isEmpty ? nil : chunk
    }
}
