/// Key lookup for a decoded map: string keys by their text, integer keys by their decimal text.
enum KeyedDecodingIndex {
    static func text(of key: MessagePackValue) -> String? {
        switch key {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        default: return nil
        }
    }

    /// Text → entry index; throws `dataCorrupted` if a key repeats.
    static func build(_ map: MessagePackMap, codingPath: [any CodingKey]) throws -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(map.count)
        for (i, entry) in map.entries.enumerated() {
            guard let text = text(of: entry.key) else { continue }
            guard index.updateValue(i, forKey: text) == nil else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: codingPath + [StringKey(text)], debugDescription: "Map repeats a key."))
            }
        }
        return index
    }
}

/// Keyed container over a decoded map.
struct KeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let map: MessagePackMap
    let index: [String: Int]
    let codingPath: [any CodingKey]
    let context: DecodingContext
    let record: KeyAccessTracker.Record?

    init(_ value: MessagePackValue, codingPath: [any CodingKey], context: DecodingContext) throws {
        guard case .map(let map) = value else { throw Unbox.mismatch([String: Any].self, value, codingPath) }
        self.map = map
        self.index = try KeyedDecodingIndex.build(map, codingPath: codingPath)
        self.codingPath = codingPath
        self.context = context
        self.record = context.tracker?.record(for: codingPath, map: map)
    }

    var allKeys: [Key] {
        map.entries.compactMap { entry in
            guard let text = KeyedDecodingIndex.text(of: entry.key) else { return nil }
            if case .string = entry.key { return Key(stringValue: text) }
            return Int(text).flatMap { Key(intValue: $0) } ?? Key(stringValue: text)
        }
    }

    func contains(_ key: Key) -> Bool {
        record?.used.insert(key.stringValue)
        return index[key.stringValue] != nil
    }

    private func value(for key: Key) throws -> MessagePackValue {
        record?.used.insert(key.stringValue)
        guard let i = index[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "No value associated with key \"\(PathBuilder.clip(key.stringValue))\"."))
        }
        return map.entries[i].value
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool { try value(for: key).isNil }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Unbox.bool(value(for: key), path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try Unbox.string(value(for: key), path(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Unbox.double(value(for: key), path(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try Unbox.float(value(for: key), path(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try Unbox.integer(value(for: key), path(key), as: type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try Unbox.integer(value(for: key), path(key), as: type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try Unbox.integer(value(for: key), path(key), as: type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try Unbox.integer(value(for: key), path(key), as: type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try Unbox.integer(value(for: key), path(key), as: type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try Unbox.integer(value(for: key), path(key), as: type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try Unbox.integer(value(for: key), path(key), as: type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try Unbox.integer(value(for: key), path(key), as: type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try Unbox.integer(value(for: key), path(key), as: type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try Unbox.integer(value(for: key), path(key), as: type) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try context.unbox(value(for: key), as: type, at: path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        KeyedDecodingContainer(try KeyedDecoding<NestedKey>(value(for: key), codingPath: path(key), context: context))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try UnkeyedDecoding(value(for: key), codingPath: path(key), context: context)
    }

    func superDecoder() throws -> any Decoder {
        let key = StringKey("super")
        record?.used.insert(key.stringValue)
        let value = index[key.stringValue].map { map.entries[$0].value } ?? .nil
        return DecoderImpl(value: value, codingPath: codingPath + [key], context: context)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        record?.used.insert(key.stringValue)
        let value = index[key.stringValue].map { map.entries[$0].value } ?? .nil
        return DecoderImpl(value: value, codingPath: path(key), context: context)
    }
}
