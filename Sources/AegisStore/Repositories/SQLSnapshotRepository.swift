import AegisDomain
import Foundation

/// Coverage snapshots in SQL: a row per snapshot, per tactic and per
/// technique.
struct SQLSnapshotRepository<DB: SQLDatabase>: SnapshotRepository {
    let db: DB

    private static var columns: String {
        "id, name, domain, created_at, created_by, weights_version, score, techniques, statuses"
    }

    func insert(_ s: Snapshot, techniques: [TechniqueScoreLine]) throws {
        let statuses = Value.map(s.statuses.mapValues { Value.int(Int64($0)) }).jsonText
        try db.prepare("INSERT INTO snapshots (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").bind(
            .text(s.id), .text(s.name), .text(s.domain), .int(StoreTime.micros(s.createdAt)), .optional(s.createdBy),
            .int(s.weightsVersion), .double(s.score), .int(s.techniques), .text(statuses)
        ).run()
        for t in s.tactics {
            try db.prepare(
                """
                INSERT INTO snapshot_tactics (snapshot_id, tactic_id, shortname, name, position, score, techniques)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
            ).bind(.text(s.id), .text(t.id), .text(t.shortname), .text(t.name), .int(t.order), .double(t.score), .int(t.techniques))
                .runLater()
        }
        // Several rows per statement; nobody reads them back in this
        // transaction, so PostgreSQL sends them with the commit.
        var start = techniques.startIndex
        while start < techniques.endIndex {
            let rows = techniques[start..<min(start + 64, techniques.endIndex)]
            let sql =
                "INSERT INTO snapshot_techniques (snapshot_id, technique_id, name, status, score) VALUES "
                + Array(repeating: "(?, ?, ?, ?, ?)", count: rows.count).joined(separator: ", ")
            try db.prepare(sql).bind(
                rows.flatMap { [.text(s.id), .text($0.techniqueID), .text($0.name), .text($0.status.rawValue), .double($0.score)] }
            ).runLater()
            start += rows.count
        }
    }

    private func snapshot(_ row: some SQLRow) -> Snapshot {
        let statuses = (Value(storedJSON: row.text(8))?.mapValue ?? [:]).compactMapValues { value -> Int? in
            if case .int(let count) = value { return Int(count) }
            return nil
        }
        return Snapshot(
            id: row.text(0), name: row.text(1), domain: row.text(2), createdAt: StoreTime.date(row.int(3)),
            createdBy: row.optionalText(4), weightsVersion: Int(row.int(5)), score: row.double(6),
            techniques: Int(row.int(7)), statuses: statuses, tactics: [])
    }

    private func tactics(_ id: String) throws -> [TacticScore] {
        try db.prepare(
            """
            SELECT tactic_id, shortname, name, position, score, techniques FROM snapshot_tactics
            WHERE snapshot_id = ? ORDER BY position, tactic_id
            """
        ).bind(.text(id)).rows { row in
            TacticScore(
                id: row.text(0), shortname: row.text(1), name: row.text(2), order: Int(row.int(3)), score: row.double(4),
                techniques: Int(row.int(5)))
        }
    }

    func snapshot(id: String) throws -> Snapshot? {
        guard var found = try db.prepare("SELECT \(Self.columns) FROM snapshots WHERE id = ?").bind(.text(id)).first(snapshot)
        else { return nil }
        found.tactics = try tactics(id)
        return found
    }

    func snapshots(page: PageRequest) throws -> Page<Snapshot> {
        var filter = SQLFilter()
        if let after = page.after, let (at, id) = TimeKey.split(after) {
            filter.add("(created_at < ? OR (created_at = ? AND id < ?))", .int(at), .int(at), .text(id))
        }
        var rows = try db.prepare(
            "SELECT \(Self.columns) FROM snapshots \(filter.clause) ORDER BY created_at DESC, id DESC LIMIT ?"
        ).bind(filter.values + [.int(page.limit + 1)]).rows(snapshot)
        let more = rows.count > page.limit
        rows = Array(rows.prefix(page.limit))
        // Every listed snapshot's tactics in one query.
        if !rows.isEmpty {
            var byID: [String: [TacticScore]] = [:]
            for (id, tactic) in try db.prepare(
                """
                SELECT snapshot_id, tactic_id, shortname, name, position, score, techniques FROM snapshot_tactics
                WHERE snapshot_id IN (\(Array(repeating: "?", count: rows.count).joined(separator: ", ")))
                ORDER BY snapshot_id, position, tactic_id
                """
            ).bind(rows.map { .text($0.id) }).rows({ row in
                (row.text(0), TacticScore(
                    id: row.text(1), shortname: row.text(2), name: row.text(3), order: Int(row.int(4)), score: row.double(5),
                    techniques: Int(row.int(6))))
            }) {
                byID[id, default: []].append(tactic)
            }
            for index in rows.indices { rows[index].tactics = byID[rows[index].id] ?? [] }
        }
        return Page(items: rows, nextKey: more ? rows.last.map { TimeKey.make($0.createdAt, $0.id) } : nil)
    }

    func techniques(snapshotID: String) throws -> [TechniqueScoreLine] {
        try db.prepare(
            "SELECT technique_id, name, status, score FROM snapshot_techniques WHERE snapshot_id = ? ORDER BY technique_id"
        ).bind(.text(snapshotID)).rows { row in
            TechniqueScoreLine(
                techniqueID: row.text(0), name: row.text(1),
                status: TechniqueStatus(rawValue: row.text(2)) ?? .untested, score: row.double(3))
        }
    }
}
