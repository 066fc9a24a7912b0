/// The key of an array element in a coding path ("Index 3", intValue 3), as Foundation's coders use.
struct IndexKey: CodingKey {
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.index = intValue }
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
}

/// A plain string key, used for `super` and for recorded unknown keys.
struct StringKey: CodingKey {
    let stringValue: String
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue) }
    var intValue: Int? { nil }
}

/// Renders coding paths as `params.items[3].name`.
enum CodingPath {
    static func render(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let i = key.intValue, key.stringValue == "Index \(i)" || key.stringValue == String(i) {
                out += "[\(i)]"
            } else {
                out += (out.isEmpty ? "" : ".") + PathBuilder.clip(key.stringValue)
            }
        }
        return out
    }

    /// A collision-free identity for a position, used to share key-access records.
    static func identity(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if key is IndexKey, let i = key.intValue { out += "\u{0}i\(i)" } else { out += "\u{0}k" + key.stringValue }
        }
        return out
    }
}
