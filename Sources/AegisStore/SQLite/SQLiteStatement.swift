import CSQLite
import Foundation

/// SQLite's marker that bound text and blobs must be copied.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement: bind by position (from 1), step, read columns.
final class SQLiteStatement: SQLStatement, SQLRow {
    typealias Row = SQLiteStatement
    private let stmt: OpaquePointer
    private unowned let connection: SQLiteConnection

    init(_ stmt: OpaquePointer, connection: SQLiteConnection) {
        self.stmt = stmt
        self.connection = connection
    }

    func finalize() { sqlite3_finalize(stmt) }

    func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    /// Binds `values` to parameters 1... in order.
    @discardableResult
    func bind(_ values: [SQLValue]) throws -> SQLiteStatement {
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(stmt, index)
            case .int(let v): rc = sqlite3_bind_int64(stmt, index, v)
            case .double(let v): rc = sqlite3_bind_double(stmt, index, v)
            case .text(let v): rc = bindText(v, at: index)
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob64(stmt, index, $0.baseAddress, UInt64($0.count), transient) }
            }
            guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, detail: connection.lastError) }
        }
        return self
    }

    /// Binds every byte of `text`, a NUL included (as a C string it would
    /// end there, and `"alice\0junk"` would match `"alice"`).
    private func bindText(_ text: String, at index: Int32) -> Int32 {
        // An empty buffer may have no address, which SQLite would bind as NULL.
        guard !text.isEmpty else { return sqlite3_bind_text(stmt, index, "", 0, transient) }
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text64(stmt, index, chars.baseAddress, UInt64(chars.count), transient, UInt8(SQLITE_UTF8))
            }
        }
    }

    /// Steps once; true while a row is available.
    func step() throws -> Bool {
        switch sqlite3_step(stmt) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc:
            let error = SQLiteError(resultCode: rc, detail: connection.lastError)
            sqlite3_reset(stmt)
            throw error
        }
    }

    /// Runs a statement that returns no rows; the rows it changed.
    @discardableResult
    func run() throws -> Int {
        defer { sqlite3_reset(stmt) }
        while try step() {}
        return connection.changes
    }

    /// Runs at once: SQLite has no round trips to save.
    func runLater() throws { _ = try run() }

    /// Maps every row with `transform`.
    func rows<T>(_ transform: (SQLiteStatement) throws -> T) throws -> [T] {
        defer { sqlite3_reset(stmt) }
        var out: [T] = []
        while try step() { out.append(try transform(self)) }
        return out
    }

    /// The first row mapped with `transform`, nil when there is none.
    func first<T>(_ transform: (SQLiteStatement) throws -> T) throws -> T? {
        defer { sqlite3_reset(stmt) }
        return try step() ? try transform(self) : nil
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(stmt, column) == SQLITE_NULL }
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }
    func bool(_ column: Int32) -> Bool { sqlite3_column_int64(stmt, column) != 0 }
    func double(_ column: Int32) -> Double { sqlite3_column_double(stmt, column) }

    func text(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, column) else { return "" }
        let count = Int(sqlite3_column_bytes(stmt, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) -> Data {
        guard let p = sqlite3_column_blob(stmt, column) else { return Data() }
        return Data(bytes: p, count: Int(sqlite3_column_bytes(stmt, column)))
    }

    /// How many columns a row of this statement has.
    var columnCount: Int32 { sqlite3_column_count(stmt) }

    /// The value of `column` by its storage class (not the declared type).
    func value(_ column: Int32) -> SQLValue {
        switch sqlite3_column_type(stmt, column) {
        case SQLITE_INTEGER: .int(int(column))
        case SQLITE_FLOAT: .double(double(column))
        case SQLITE_BLOB: .blob(blob(column))
        case SQLITE_NULL: .null
        default: .text(text(column))
        }
    }
}
