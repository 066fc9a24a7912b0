extension SQLDatabase {
    /// Inserts many rows, 100 per statement, each `columns` values long;
    /// `suffix` follows the VALUES (an `ON CONFLICT` clause). Nobody reads
    /// them back in this transaction, so PostgreSQL sends them with the
    /// commit.
    func insertRows(_ into: String, columns: Int, _ rows: [[SQLValue]], suffix: String = "") throws {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + 100, rows.count)]
            try prepare(
                "INSERT INTO \(into) VALUES " + Array(repeating: row, count: chunk.count).joined(separator: ", ")
                    + suffix
            )
            .bind(chunk.flatMap { $0 }).runLater()
            start += chunk.count
        }
    }
}
