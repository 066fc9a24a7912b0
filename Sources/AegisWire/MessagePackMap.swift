/// A MessagePack map that keeps its entries in insertion (wire) order.
///
/// Keys may be any value. Lookups are linear, which suits envelope-sized maps;
/// the Codable decoder indexes large maps itself. Two maps are equal when they
/// hold the same keys with equal values, in any order (values of a repeated
/// key compare in order of appearance).
public struct MessagePackMap: Sendable {
    /// The entries, in order.
    public var entries: [(key: MessagePackValue, value: MessagePackValue)]

    /// An empty map.
    public init() { entries = [] }

    /// A map holding `entries` in the given order (duplicates are kept).
    public init(_ entries: [(key: MessagePackValue, value: MessagePackValue)]) { self.entries = entries }

    /// A string-keyed map; entries are sorted by key so the encoding is deterministic.
    public init(_ dictionary: [String: MessagePackValue]) {
        entries = dictionary.sorted { $0.key < $1.key }.map { (key: .string($0.key), value: $0.value) }
    }

    /// Number of entries.
    public var count: Int { entries.count }
    /// True when there are no entries.
    public var isEmpty: Bool { entries.isEmpty }
    /// The keys, in order.
    public var keys: [MessagePackValue] { entries.map(\.key) }
    /// The values, in order.
    public var values: [MessagePackValue] { entries.map(\.value) }

    /// The value of the first entry whose key is the string `key`.
    /// Setting replaces that entry's value (or appends); setting nil removes every entry with that key.
    public subscript(key: String) -> MessagePackValue? {
        get { self[.string(key)] }
        set { self[.string(key)] = newValue }
    }

    /// The value of the first entry whose key equals `key`; setting behaves like the String subscript.
    public subscript(key: MessagePackValue) -> MessagePackValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let newValue {
                if let i = entries.firstIndex(where: { $0.key == key }) {
                    entries[i].value = newValue
                } else {
                    entries.append((key: key, value: newValue))
                }
            } else {
                entries.removeAll { $0.key == key }
            }
        }
    }

    /// Appends an entry without looking for an existing key.
    public mutating func append(key: MessagePackValue, value: MessagePackValue) {
        entries.append((key: key, value: value))
    }

    /// True if any key is not a string.
    public var hasNonStringKeys: Bool { entries.contains { $0.key.stringValue == nil } }
}

extension MessagePackMap: Sequence {
    public func makeIterator() -> IndexingIterator<[(key: MessagePackValue, value: MessagePackValue)]> {
        entries.makeIterator()
    }
}

extension MessagePackMap: ExpressibleByDictionaryLiteral {
    /// `["method": "system.ping", "id": 1]`, in the written order.
    public init(dictionaryLiteral elements: (String, MessagePackValue)...) {
        entries = elements.map { (key: .string($0.0), value: $0.1) }
    }
}

extension MessagePackMap: Hashable {
    public static func == (lhs: MessagePackMap, rhs: MessagePackMap) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if zip(lhs.entries, rhs.entries).allSatisfy({ $0.key == $1.key && $0.value == $1.value }) { return true }
        // Order differs: group rhs values by key, then consume them in order.
        var groups: [MessagePackValue: (values: [MessagePackValue], next: Int)] = [:]
        for entry in rhs.entries { groups[entry.key, default: ([], 0)].values.append(entry.value) }
        for entry in lhs.entries {
            guard let group = groups[entry.key], group.next < group.values.count,
                group.values[group.next] == entry.value
            else { return false }
            groups[entry.key]?.next += 1
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with ==.
        var sum = 0
        for entry in entries {
            var h = Hasher()
            h.combine(entry.key)
            h.combine(entry.value)
            sum = sum &+ h.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(sum)
    }
}

extension MessagePackMap: CustomStringConvertible {
    public var description: String {
        "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }
}
