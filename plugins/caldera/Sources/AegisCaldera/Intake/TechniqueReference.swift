/// An ATT&CK technique id as Caldera gives it (`T1059`, `T1059.001`), and
/// which technique of the catalog an intake files it under.
public enum TechniqueReference {
    /// The id upper-cased and trimmed, or nil when it is not `T` + 4 digits
    /// with an optional `.` + 3 digits.
    public static func normalized(_ raw: String) -> String? {
        let id = raw.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        let bytes = Array(id.utf8)
        func digits(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard bytes.count == 5 || bytes.count == 9, bytes[0] == UInt8(ascii: "T"), digits(1..<5) else { return nil }
        if bytes.count == 9 { guard bytes[5] == UInt8(ascii: "."), digits(6..<9) else { return nil } }
        return id
    }

    /// The parent of a sub-technique (`T1059` for `T1059.001`), else nil.
    public static func parent(of id: String) -> String? {
        guard let normalized = normalized(id), normalized.utf8.count == 9 else { return nil }
        return String(normalized.prefix(5))
    }

    /// How a technique id resolves against the catalog.
    public enum Resolution: Sendable, Equatable {
        /// In the catalog as given.
        case known(String)
        /// Not in the catalog, but its parent is: filed under the parent.
        case parent(String, unknown: String)
        /// Neither it nor a parent is in the catalog, or it is malformed.
        case unknown(String)
    }

    /// Resolves `raw` with `exists`, which tells whether the catalog holds an id.
    public static func resolve(_ raw: String, exists: (String) -> Bool) -> Resolution {
        guard let id = normalized(raw) else { return .unknown(raw) }
        if exists(id) { return .known(id) }
        if let parent = parent(of: id), exists(parent) { return .parent(parent, unknown: id) }
        return .unknown(id)
    }
}
