import Foundation

/// One table of the SQLite schema as the copy sees it: its columns, the
/// columns that order its rows the same way in both databases, and the
/// tables its foreign keys point to. Read from the schema itself, so tables
/// added by later migrations are copied too.
struct TableLayout: Equatable {
    var name: String
    /// Every column, in declaration order.
    var columns: [String]
    /// The primary key's columns in key order; every column when the table
    /// has none.
    var key: [String]
    /// Whether SQLite numbers the rows (not a `WITHOUT ROWID` table).
    var hasRowID: Bool
    /// The other tables this one references.
    var parents: Set<String>

    /// The columns, comma-separated, for SELECT and COPY.
    var columnList: String { columns.joined(separator: ", ") }

    /// Key order, the same in both databases: integers by value, text
    /// bytewise (SQLite's BINARY collation, PostgreSQL's `COLLATE "C"`).
    var keyOrder: String { key.map { "\($0) NULLS FIRST" }.joined(separator: ", ") }

    /// The order rows were inserted in (rowid), else key order: a row that
    /// references another row of its own table comes after it.
    var insertionOrder: String { hasRowID ? "rowid" : keyOrder }

    /// Names that need no quoting and read the same in both databases.
    static func isPlainName(_ name: String) -> Bool {
        func letter(_ c: UInt8) -> Bool {
            (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") || c == UInt8(ascii: "_")
        }
        func digit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        guard let first = name.utf8.first, letter(first) else { return false }
        return name.utf8.allSatisfy { letter($0) || digit($0) }
    }

    /// `tables` with every table after the tables it references (ties by
    /// name), so inserts satisfy the foreign keys.
    static func parentsFirst(_ tables: [TableLayout]) throws(StoreCopyError) -> [TableLayout] {
        var pending = tables.sorted { $0.name < $1.name }
        var placed: Set<String> = []
        var ordered: [TableLayout] = []
        let names = Set(tables.map(\.name))
        while !pending.isEmpty {
            guard let next = pending.firstIndex(where: { $0.parents.intersection(names).isSubset(of: placed) }) else {
                throw .foreignKeyCycle(pending.map(\.name))
            }
            let table = pending.remove(at: next)
            placed.insert(table.name)
            ordered.append(table)
        }
        return ordered
    }
}
