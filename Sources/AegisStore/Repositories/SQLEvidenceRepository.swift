import AegisDomain
import Foundation

/// Evidence metadata in SQL.
struct SQLEvidenceRepository<DB: SQLDatabase>: EvidenceRepository {
    let db: DB

    func insert(_ e: Evidence) throws {
        try db.prepare("INSERT INTO evidence (\(SQLEvidenceRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").bind(
            .text(e.id), .text(e.testID), .text(e.side.rawValue), .text(e.caption), .text(e.filename), .int(e.size),
            .text(e.sha256), .text(e.uploadedBy), .int(StoreTime.micros(e.uploadedAt))
        ).run()
    }

    func evidence(id: String) throws -> Evidence? {
        try db.prepare("SELECT \(SQLEvidenceRows.columns) FROM evidence WHERE id = ?").bind(.text(id)).first(SQLEvidenceRows.evidence)
    }

    func evidence(testID: String, side: TeamSide?, page: PageRequest) throws -> Page<Evidence> {
        var filter = SQLFilter()
        filter.add("test_id = ?", .text(testID))
        if let side {
            filter.add("side = ?", .text(side.rawValue))
        }
        if let after = page.after {
            guard let (at, id) = TimeKey.split(after) else {
                throw AegisError.invalidArgument("cursor", "not a cursor returned by this server")
            }
            filter.add("(uploaded_at > ? OR (uploaded_at = ? AND id > ?))", .int(at), .int(at), .text(id))
        }
        let rows = try db.prepare(
            "SELECT \(SQLEvidenceRows.columns) FROM evidence \(filter.clause) ORDER BY uploaded_at, id LIMIT ?"
        ).bind(filter.values + [.int(page.limit + 1)]).rows(SQLEvidenceRows.evidence)
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? items.last.map { TimeKey.make($0.uploadedAt, $0.id) } : nil
        return Page(items: items, nextKey: next)
    }

    func delete(id: String) throws {
        try db.prepare("DELETE FROM evidence WHERE id = ?").bind(.text(id)).run()
    }

    func references(sha256: String) throws -> Int {
        try db.prepare("SELECT count(*) FROM evidence WHERE sha256 = ?").bind(.text(sha256)).first { Int($0.int(0)) } ?? 0
    }
}

/// The column lists and row mappings of `SQLEvidenceRepository`, shared by both dialects.
enum SQLEvidenceRows {
    static let columns = "id, test_id, side, caption, filename, size, sha256, uploaded_by, uploaded_at"

    static func evidence(_ row: some SQLRow) -> Evidence {
        Evidence(
            id: row.text(0), testID: row.text(1), side: TeamSide(rawValue: row.text(2)) ?? .red, caption: row.text(3),
            filename: row.text(4), size: row.int(5), sha256: row.text(6), uploadedBy: row.text(7),
            uploadedAt: StoreTime.date(row.int(8)))
    }
}
