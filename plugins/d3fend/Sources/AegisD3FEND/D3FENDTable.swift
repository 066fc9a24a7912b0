import AegisDomain
import Foundation

/// A CSV file read into records whose fields are found by column name.
struct D3FENDTable {
    let file: String
    private let columns: [String: Int]
    let rows: [CSVRecord]

    /// `required` columns must be in the header; a column whose name starts
    /// with `name(` is found as `name` (`artifact_paths(off_rel:...)`).
    init(_ data: Data, file: String, required: [String]) throws(D3FENDDataError) {
        self.file = file
        let records: [CSVRecord]
        do {
            records = try CSVReader.records(data, field: file)
        } catch {
            throw D3FENDDataError(file: file, reason: error.message)
        }
        guard let header = records.first else { throw D3FENDDataError(file: file, reason: "the file is empty") }
        var columns: [String: Int] = [:]
        for (i, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces)
            let base = name.split(separator: "(", maxSplits: 1).first.map(String.init) ?? name
            if columns[base] == nil { columns[base] = i }
        }
        for name in required where columns[name] == nil {
            throw D3FENDDataError(file: file, reason: "the header has no \(name) column")
        }
        self.columns = columns
        rows = Array(records.dropFirst())
    }

    /// The row's field in `column`, trimmed; "" when the row is short or the
    /// column absent.
    func field(_ row: CSVRecord, _ column: String) -> String {
        guard let i = columns[column], i < row.fields.count else { return "" }
        return row.fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The row's field in `column`, which must not be empty.
    func required(_ row: CSVRecord, _ column: String) throws(D3FENDDataError) -> String {
        let value = field(row, column)
        guard !value.isEmpty else { throw D3FENDDataError(file: file, reason: "line \(row.line): \(column) is empty") }
        return value
    }
}
