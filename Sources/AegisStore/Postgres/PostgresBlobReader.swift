import AegisDomain
import Foundation

/// Reads a byte range of a blob in `blobs` and `blob_chunks` with one
/// statement, so the range comes from one snapshot: a blob removed
/// meanwhile is missing as a whole, never half read. The server cuts each
/// chunk to the range, so only the bytes asked for travel.
struct PostgresBlobReader {
    let connection: PostgresConnection

    /// Bytes `from..<to` of blob `name`, cut at its end (empty from the end
    /// on); `NOT_FOUND` when it is not stored.
    func read(_ name: String, from start: Int64, to end: Int64) throws -> Data {
        let rows = try connection.prepare(Self.sql).bind(.int(start), .int(end), .text(name)).rows { row in
            (size: row.int(0), data: row.isNull(1) ? nil : row.blob(2))
        }
        guard let size = rows.first?.size else { throw BlobName.missing(name) }
        var data = Data()
        for case let piece? in rows.map(\.data) { data.append(piece) }
        guard Int64(data.count) == max(0, min(end, size) - start) else {
            throw AegisError(.internal, "blob \(name) lacks chunks")
        }
        return data
    }

    /// Parameters: start, end (exclusive), name. One row per chunk in the
    /// range (size, chunk number, the part of its data in the range); one
    /// row with a NULL chunk when none is.
    private static let sql = """
        WITH r AS (SELECT CAST(? AS BIGINT) AS lo, CAST(? AS BIGINT) AS hi)
        SELECT b.size, c.chunk,
            substring(c.data
                FROM CAST(greatest(r.lo - c.chunk * b.chunk_bytes, 0) + 1 AS INTEGER)
                FOR CAST(least(r.hi, (c.chunk + 1) * b.chunk_bytes) - greatest(r.lo, c.chunk * b.chunk_bytes) AS INTEGER))
        FROM r CROSS JOIN blobs b
        LEFT JOIN blob_chunks c
            ON c.sha256 = b.sha256 AND c.chunk >= r.lo / b.chunk_bytes AND c.chunk * b.chunk_bytes < r.hi
        WHERE b.sha256 = ?
        ORDER BY c.chunk
        """
}
