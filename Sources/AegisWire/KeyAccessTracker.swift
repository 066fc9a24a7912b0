/// Records which keys each keyed container read, for `rejectUnknownKeys`.
///
/// One record per position in the value (containers opened twice at the same
/// place share it). Records created by a `Decodable` whose decoding threw are
/// dropped, so fallbacks tried with `try?` do not count.
final class KeyAccessTracker {
    final class Record {
        let codingPath: [any CodingKey]
        let map: MessagePackMap
        var used: Set<String> = []

        init(codingPath: [any CodingKey], map: MessagePackMap) {
            self.codingPath = codingPath
            self.map = map
        }
    }

    private var records: [(identity: String, record: Record)] = []
    private var byIdentity: [String: Record] = [:]

    func record(for codingPath: [any CodingKey], map: MessagePackMap) -> Record {
        let identity = CodingPath.identity(codingPath)
        if let existing = byIdentity[identity] { return existing }
        let record = Record(codingPath: codingPath, map: map)
        records.append((identity, record))
        byIdentity[identity] = record
        return record
    }

    func mark() -> Int { records.count }

    func rollback(to mark: Int) {
        guard mark < records.count else { return }
        for (identity, _) in records[mark...] { byIdentity[identity] = nil }
        records.removeSubrange(mark...)
    }

    /// Throws for the first unread key, in decoding order then map order.
    func check() throws {
        for (_, record) in records {
            for entry in record.map.entries {
                let text = KeyedDecodingIndex.text(of: entry.key)
                if let text, record.used.contains(text) { continue }
                let rendered = CodingPath.render(record.codingPath)
                let keyPart: String
                switch entry.key {
                case .string(let s): keyPart = (rendered.isEmpty ? "" : ".") + PathBuilder.clip(s)
                case .int, .uint: keyPart = "[\(entry.key)]"
                default: keyPart = "[<\(entry.key.kindName)>]"
                }
                throw MessagePackDecodingError.unknownKey(path: rendered + keyPart)
            }
        }
    }
}
