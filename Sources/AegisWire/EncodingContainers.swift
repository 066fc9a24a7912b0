/// Keyed container writing into a ``MapBox``.
struct KeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: EncoderImpl
    let box: MapBox
    let codingPath: [any CodingKey]

    private func put(_ value: MessagePackValue, _ key: Key) { box.set(key.stringValue, .value(value)) }

    mutating func encodeNil(forKey key: Key) throws { put(.nil, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { put(.double(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { put(.double(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(.int(Int64(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(.int(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(.uint(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if let fast = EncoderImpl.fastValue(value, dates: encoder.dateRange) { return put(fast, key) }
        box.set(key.stringValue, try encoder.box(value, at: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested: MapBox
        if case .map(let existing)? = box.get(key.stringValue) {
            nested = existing
        } else {
            nested = MapBox()
            box.set(key.stringValue, .map(nested))
        }
        return KeyedEncodingContainer(KeyedEncoding<NestedKey>(encoder: encoder, box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested: ArrayBox
        if case .array(let existing)? = box.get(key.stringValue) {
            nested = existing
        } else {
            nested = ArrayBox()
            box.set(key.stringValue, .array(nested))
        }
        return UnkeyedEncoding(encoder: encoder, box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(at: StringKey("super")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(at: key) }

    private func superEncoder(at key: any CodingKey) -> any Encoder {
        let sub = EncoderImpl(codingPath: codingPath + [key], userInfo: encoder.userInfo)
        box.set(key.stringValue, .deferred(sub))
        return sub
    }
}

/// Unkeyed container appending to an ``ArrayBox``.
struct UnkeyedEncoding: UnkeyedEncodingContainer {
    let encoder: EncoderImpl
    let box: ArrayBox
    let codingPath: [any CodingKey]

    var count: Int { box.items.count }

    private func put(_ value: MessagePackValue) { box.items.append(.value(value)) }

    mutating func encodeNil() throws { put(.nil) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(.double(value)) }
    mutating func encode(_ value: Float) throws { put(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { put(.int(value)) }
    mutating func encode(_ value: UInt) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { put(.uint(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let fast = EncoderImpl.fastValue(value, dates: encoder.dateRange) { return box.items.append(.value(fast)) }
        box.items.append(try encoder.box(value, at: codingPath + [IndexKey(count)]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = MapBox()
        let path = codingPath + [IndexKey(count)]
        box.items.append(.map(nested))
        return KeyedEncodingContainer(KeyedEncoding<NestedKey>(encoder: encoder, box: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        let path = codingPath + [IndexKey(count)]
        box.items.append(.array(nested))
        return UnkeyedEncoding(encoder: encoder, box: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let sub = EncoderImpl(codingPath: codingPath + [IndexKey(count)], userInfo: encoder.userInfo)
        box.items.append(.deferred(sub))
        return sub
    }
}

/// Single value container storing into its encoder.
struct SingleValueEncoding: SingleValueEncodingContainer {
    let encoder: EncoderImpl
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func put(_ value: MessagePackValue) { encoder.setSingle(.value(value)) }

    mutating func encodeNil() throws { put(.nil) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { put(.double(value)) }
    mutating func encode(_ value: Float) throws { put(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { put(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { put(.int(value)) }
    mutating func encode(_ value: UInt) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { put(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { put(.uint(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let fast = EncoderImpl.fastValue(value, dates: encoder.dateRange) { return encoder.setSingle(.value(fast)) }
        encoder.setSingle(try encoder.box(value, at: codingPath))
    }
}
