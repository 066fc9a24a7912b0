import CLibPQ
import Foundation

/// A server-side prepared statement: bind by position, then run, read the
/// first row, or map every row. The same shape as `SQLiteStatement`.
final class PostgresStatement: SQLStatement {
    let name: String
    let parameterCount: Int
    private unowned let connection: PostgresConnection
    private var values: [SQLValue] = []

    init(name: String, parameterCount: Int, connection: PostgresConnection) {
        self.name = name
        self.parameterCount = parameterCount
        self.connection = connection
    }

    func reset() -> PostgresStatement {
        values.removeAll(keepingCapacity: true)
        return self
    }

    @discardableResult
    func bind(_ values: [SQLValue]) throws(PostgresError) -> PostgresStatement {
        guard values.count == parameterCount else {
            throw PostgresError(
                sqlState: nil, detail: "\(values.count) values for \(parameterCount) parameters", connectionLost: false)
        }
        self.values = values
        return self
    }

    /// Runs a statement that returns no rows; the rows it changed.
    @discardableResult
    func run() throws(PostgresError) -> Int {
        try execute().changes
    }

    /// Queues the statement to go with the next one waited for.
    func runLater() throws(PostgresError) {
        guard values.count == parameterCount else {
            throw PostgresError(
                sqlState: nil, detail: "\(values.count) values for \(parameterCount) parameters", connectionLost: false)
        }
        defer { values.removeAll(keepingCapacity: true) }
        try connection.runLater(prepared: name, values)
    }

    /// Maps every row with `transform`.
    func rows<T>(_ transform: (PostgresRow) throws -> T) throws -> [T] {
        let result = try execute()
        var out: [T] = []
        out.reserveCapacity(result.count)
        for index in 0..<result.count { out.append(try transform(PostgresRow(result: result, index: Int32(index)))) }
        return out
    }

    /// The first row mapped with `transform`, nil when there is none.
    func first<T>(_ transform: (PostgresRow) throws -> T) throws -> T? {
        let result = try execute()
        return result.count > 0 ? try transform(PostgresRow(result: result, index: 0)) : nil
    }

    private func execute() throws(PostgresError) -> PostgresRows {
        guard values.count == parameterCount else {
            throw PostgresError(
                sqlState: nil, detail: "\(values.count) values for \(parameterCount) parameters", connectionLost: false)
        }
        defer { values.removeAll(keepingCapacity: true) }
        return try connection.run(prepared: name, values)
    }
}

/// A statement's result; frees it when released.
final class PostgresRows {
    let result: OpaquePointer

    init(_ result: OpaquePointer) { self.result = result }
    deinit { PQclear(result) }

    var count: Int { Int(PQntuples(result)) }

    /// Rows inserted, updated or deleted.
    var changes: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    /// How many columns each row has.
    var columnCount: Int32 { PQnfields(result) }
}

/// One row of a result, read by column position (from 0) with the same
/// accessors as `SQLiteStatement`.
struct PostgresRow: SQLRow {
    let result: PostgresRows
    let index: Int32

    func isNull(_ column: Int32) -> Bool { PQgetisnull(result.result, index, column) != 0 }

    func text(_ column: Int32) -> String {
        guard let p = PQgetvalue(result.result, index, column) else { return "" }
        let count = Int(PQgetlength(result.result, index, column))
        return p.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    func int(_ column: Int32) -> Int64 {
        guard let p = PQgetvalue(result.result, index, column) else { return 0 }
        return strtoll(p, nil, 10)
    }

    func double(_ column: Int32) -> Double {
        guard let p = PQgetvalue(result.result, index, column) else { return 0 }
        return strtod(p, nil)
    }

    /// PostgreSQL's `t`/`f`, or a number (non-zero is true).
    func bool(_ column: Int32) -> Bool {
        guard let p = PQgetvalue(result.result, index, column) else { return false }
        switch p.pointee {
        case CChar(UInt8(ascii: "t")): return true
        case CChar(UInt8(ascii: "f")): return false
        default: return strtoll(p, nil, 10) != 0
        }
    }

    /// A `bytea` column (sent as text: `\x` and hex digits).
    func blob(_ column: Int32) -> Data {
        guard let p = PQgetvalue(result.result, index, column) else { return Data() }
        var length = 0
        guard let bytes = p.withMemoryRebound(to: UInt8.self, capacity: 1, { PQunescapeBytea($0, &length) }) else {
            return Data()
        }
        defer { PQfreemem(bytes) }
        return Data(bytes: bytes, count: length)
    }

    /// The value of `column` by its column type: integers and booleans
    /// (as 0/1) `.int`, floating point `.double`, `bytea` `.blob`, anything
    /// else `.text`.
    func value(_ column: Int32) -> SQLValue {
        if isNull(column) { return .null }
        switch PQftype(result.result, column) {
        case 20, 21, 23: return .int(int(column))  // int8, int2, int4
        case 16: return .int(bool(column) ? 1 : 0)  // bool
        case 700, 701: return .double(double(column))  // float4, float8
        case 17: return .blob(blob(column))  // bytea
        default: return .text(text(column))
        }
    }
}
