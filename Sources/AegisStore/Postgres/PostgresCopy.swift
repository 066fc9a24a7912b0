import CLibPQ
import Foundation

extension PostgresConnection {
    /// Runs `sql`, a `COPY table (columns) FROM STDIN`, with the rows
    /// `produce` writes to the stream; the number of rows copied. If
    /// `produce` throws, the copy is abandoned (the transaction is then
    /// failed) and its error rethrown.
    func copyIn(_ sql: String, _ produce: (PostgresCopyStream) throws -> Void) throws -> Int {
        let start = PQexec(handle, sql)
        let status = start.map(PQresultStatus)
        defer { PQclear(start) }
        guard status == PGRES_COPY_IN else {
            try check(start)
            throw PostgresError(sqlState: nil, detail: "not a COPY FROM STDIN", connectionLost: false)
        }
        let stream = PostgresCopyStream(handle: handle)
        var failure: Error?
        do {
            try produce(stream)
            try stream.flush()
        } catch {
            failure = error
        }
        let ended = PQputCopyEnd(handle, failure == nil ? nil : "abandoned by the client")
        var copied = 0
        var serverError: PostgresError?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            do {
                try check(result)
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            } catch {
                serverError = serverError ?? error
            }
        }
        if let failure { throw failure }
        if let serverError { throw serverError }
        guard ended == 1 else {
            throw PostgresError(
                sqlState: nil, detail: Self.message(PQerrorMessage(handle)), connectionLost: !isConnected)
        }
        return copied
    }
}

/// The data of a `COPY ... FROM STDIN` in PostgreSQL's text format: one
/// line per row, columns separated by tabs, `\N` for NULL, backslash
/// escapes in text, `bytea` as `\\x` and hex digits. Sent in chunks.
final class PostgresCopyStream {
    private let handle: OpaquePointer
    private var buffer: [UInt8] = []
    private static let chunk = 1 << 20
    private static let hex = Array("0123456789abcdef".utf8)

    init(handle: OpaquePointer) {
        self.handle = handle
        buffer.reserveCapacity(Self.chunk + 4096)
    }

    /// Appends one row, its values in the order of the COPY's columns.
    func row(_ values: [SQLValue]) throws(PostgresError) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            append(value)
        }
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.chunk { try flush() }
    }

    private func append(_ value: SQLValue) {
        switch value {
        case .null: buffer += [UInt8(ascii: "\\"), UInt8(ascii: "N")]
        case .int(let v): buffer += String(v).utf8
        // Swift's shortest representation that reads back as the same double.
        case .double(let v) where v.isFinite: buffer += "\(v)".utf8
        case .double(let v): buffer += (v.isNaN ? "NaN" : v < 0 ? "-Infinity" : "Infinity").utf8
        case .text(let v):
            for byte in v.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\n"): buffer += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case UInt8(ascii: "\r"): buffer += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case UInt8(ascii: "\t"): buffer += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                default: buffer.append(byte)
                }
            }
        case .blob(let v):
            buffer += [UInt8(ascii: "\\"), UInt8(ascii: "\\"), UInt8(ascii: "x")]
            for byte in v {
                buffer.append(Self.hex[Int(byte >> 4)])
                buffer.append(Self.hex[Int(byte & 0x0f)])
            }
        }
    }

    /// Sends what is buffered.
    func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else {
            throw PostgresError(
                sqlState: nil, detail: PostgresConnection.message(PQerrorMessage(handle)),
                connectionLost: PQstatus(handle) != CONNECTION_OK)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
