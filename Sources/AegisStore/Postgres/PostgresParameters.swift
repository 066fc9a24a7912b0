import CLibPQ
import Foundation

/// Statement parameters as libpq takes them: text for numbers and strings,
/// binary for `bytea`, a null pointer for NULL.
struct PostgresParameters {
    private let values: [ContiguousArray<CChar>?]
    let lengths: [Int32]
    let formats: [Int32]

    var count: Int32 { Int32(values.count) }

    /// Encodes `values`; text holding U+0000 is refused (PostgreSQL text
    /// cannot hold it, and sent as a C string it would be cut short there).
    init(_ values: [SQLValue]) throws(PostgresError) {
        var texts: [ContiguousArray<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        texts.reserveCapacity(values.count)
        for value in values {
            switch value {
            case .null:
                texts.append(nil); lengths.append(0); formats.append(0)
            case .int(let v):
                texts.append(ContiguousArray(String(v).utf8CString)); lengths.append(0); formats.append(0)
            case .double(let v):
                texts.append(ContiguousArray("\(v)".utf8CString)); lengths.append(0); formats.append(0)
            case .text(let v):
                guard !v.utf8.contains(0) else {
                    throw PostgresError(sqlState: "22021", detail: "NUL in a text value", connectionLost: false)
                }
                texts.append(ContiguousArray(v.utf8CString)); lengths.append(0); formats.append(0)
            case .blob(let v):
                let bytes = ContiguousArray<CChar>(unsafeUninitializedCapacity: v.count) { buffer, initialized in
                    v.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
                    initialized = v.count
                }
                texts.append(bytes); lengths.append(Int32(v.count)); formats.append(1)
            }
        }
        self.values = texts
        self.lengths = lengths
        self.formats = formats
    }

    /// Calls `body` with a pointer to each parameter's bytes (nil for NULL).
    func withPointers<R>(_ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafePointer<CChar>?] = []
        pointers.reserveCapacity(values.count)
        func nest(_ index: Int) -> R {
            if index == values.count { return body(pointers) }
            guard let value = values[index] else {
                pointers.append(nil)
                return nest(index + 1)
            }
            return value.withUnsafeBufferPointer { buffer in
                pointers.append(buffer.baseAddress)
                return nest(index + 1)
            }
        }
        return nest(0)
    }
}

/// A statement waiting to go out with the next one that is waited for.
enum QueuedStatement {
    /// One statement without parameters.
    case text(String)
    /// A prepared statement by name, with its parameters.
    case prepared(String, PostgresParameters)

    var isText: Bool { text != nil }

    var text: String? {
        if case .text(let sql) = self { return sql }
        return nil
    }

    /// Sends the statement on a connection in pipeline mode; false when
    /// libpq could not.
    func send(on handle: OpaquePointer) -> Bool {
        switch self {
        case .text(let sql):
            return PQsendQueryParams(handle, sql, 0, nil, nil, nil, nil, 0) == 1
        case .prepared(let name, let parameters):
            return parameters.withPointers { pointers in
                PQsendQueryPrepared(handle, name, parameters.count, pointers, parameters.lengths, parameters.formats, 0)
            } == 1
        }
    }
}
