import Foundation

/// One record of a CSV file, with the line it starts on (1-based).
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// Splits CSV text into records (RFC 4180).
///
/// Fields are separated by commas and records by CRLF, LF or a lone CR. A
/// field that starts with `"` (after spaces or tabs, which are dropped) is
/// quoted: it may hold commas, line breaks and `""` for a quote, and may be
/// followed only by spaces or tabs before the next comma or line end. A `"`
/// inside an unquoted field is kept as is. A UTF-8 byte order mark at the
/// start is ignored; blank lines (nothing but spaces or tabs) are skipped.
/// Errors are `INVALID_ARGUMENT` on `field`, naming a line, never the text.
public enum CSVReader {
    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"),
        lf = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    public static func records(_ data: Data, field name: String) throws(AegisError) -> [CSVRecord] {
        let bytes = [UInt8](data)
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        var inQuotes = false
        var afterQuote = false
        var fieldStarted = false
        var recordStarted = false

        func endField() throws(AegisError) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw .invalidArgument(name, "line \(line) is not UTF-8 text")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            afterQuote = false
            fieldStarted = false
        }
        func endRecord() {
            let blank = fields.count == 1 && fields[0].allSatisfy { $0 == " " || $0 == "\t" }
            if !blank { records.append(CSVRecord(line: recordLine, fields: fields)) }
            fields.removeAll()
            recordStarted = false
        }

        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if inQuotes {
                if b == quote {
                    if i < bytes.count, bytes[i] == quote {
                        field.append(quote)
                        i += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                    continue
                }
                if b == lf || (b == cr && (i >= bytes.count || bytes[i] != lf)) { line += 1 }
                field.append(b)
                continue
            }
            switch b {
            case comma:
                try endField()
                recordStarted = true
            case cr, lf:
                if b == cr, i < bytes.count, bytes[i] == lf { i += 1 }
                try endField()
                endRecord()
                line += 1
                recordLine = line
            case quote where !afterQuote && field.allSatisfy({ $0 == space || $0 == tab }):
                field.removeAll(keepingCapacity: true)
                inQuotes = true
                fieldStarted = true
                recordStarted = true
                quoteLine = line
            case space where afterQuote, tab where afterQuote:
                continue
            default:
                if afterQuote {
                    throw .invalidArgument(name, "line \(line): a quoted field must end at a comma or line end")
                }
                field.append(b)
                fieldStarted = true
                recordStarted = true
            }
        }
        if inQuotes { throw .invalidArgument(name, "line \(quoteLine): a quoted field is not terminated") }
        if recordStarted || fieldStarted {
            try endField()
            endRecord()
        }
        return records
    }
}
