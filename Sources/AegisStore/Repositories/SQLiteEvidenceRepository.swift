import AegisDomain
import Foundation

/// Evidence metadata on SQLite.
struct SQLiteEvidenceRepository: EvidenceRepository {
    let db: SQLiteConnection

    static let columns = "id, test_id, side, caption, filename, size, sha256, uploaded_by, uploaded_at"

    static func evidence(_ row: SQLiteStatement) -> Evidence {
        Evidence(
            id: row.text(0), testID: row.text(1), side: TeamSide(rawValue: row.text(2)) ?? .red, caption: row.text(3),
            filename: row.text(4), size: row.int(5), sha256: row.text(6), uploadedBy: row.text(7),
            uploadedAt: StoreTime.date(row.int(8)))
    }

    func insert(_ e: Evidence) throws {
        try db.prepare("INSERT INTO evidence (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").bind(
            .text(e.id), .text(e.testID), .text(e.side.rawValue), .text(e.caption), .text(e.filename), .int(e.size),
            .text(e.sha256), .text(e.uploadedBy), .int(StoreTime.micros(e.uploadedAt))
        ).run()
    }

    func evidence(id: String) throws -> Evidence? {
        try db.prepare("SELECT \(Self.columns) FROM evidence WHERE id = ?").bind(.text(id)).first(Self.evidence)
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
            "SELECT \(Self.columns) FROM evidence \(filter.clause) ORDER BY uploaded_at, id LIMIT ?"
        ).bind(filter.values + [.int(page.limit + 1)]).rows(Self.evidence)
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
