/// Unkeyed container over a decoded array; the index advances only on success.
struct UnkeyedDecoding: UnkeyedDecodingContainer {
    let array: [MessagePackValue]
    let codingPath: [any CodingKey]
    let context: DecodingContext
    private(set) var currentIndex = 0

    init(_ value: MessagePackValue, codingPath: [any CodingKey], context: DecodingContext) throws {
        guard case .array(let array) = value else { throw Unbox.mismatch([Any].self, value, codingPath) }
        self.array = array
        self.codingPath = codingPath
        self.context = context
    }

    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    private var currentPath: [any CodingKey] { codingPath + [IndexKey(currentIndex)] }

    private func current(_ type: Any.Type) throws -> MessagePackValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: currentPath, debugDescription: "Unkeyed container is at end."))
        }
        return array[currentIndex]
    }

    private mutating func next<T>(_ convert: (MessagePackValue, [any CodingKey]) throws -> T) throws -> T {
        let result = try convert(try current(T.self), currentPath)
        currentIndex += 1
        return result
    }

    mutating func decodeNil() throws -> Bool {
        guard try current(Any?.self).isNil else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(Unbox.bool) }
    mutating func decode(_ type: String.Type) throws -> String { try next(Unbox.string) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(Unbox.double) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(Unbox.float) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { try Unbox.integer($0, $1, as: type) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { try Unbox.integer($0, $1, as: type) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { try Unbox.integer($0, $1, as: type) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { try Unbox.integer($0, $1, as: type) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try Unbox.integer($0, $1, as: type) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next { try Unbox.integer($0, $1, as: type) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try Unbox.integer($0, $1, as: type) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try Unbox.integer($0, $1, as: type) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try Unbox.integer($0, $1, as: type) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try Unbox.integer($0, $1, as: type) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let context = self.context
        return try next { try context.unbox($0, as: type, at: $1) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let context = self.context
        return try next { KeyedDecodingContainer(try KeyedDecoding<NestedKey>($0, codingPath: $1, context: context)) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let context = self.context
        return try next { try UnkeyedDecoding($0, codingPath: $1, context: context) }
    }

    mutating func superDecoder() throws -> any Decoder {
        let context = self.context
        return try next { DecoderImpl(value: $0, codingPath: $1, context: context) }
    }
}

/// Single value container reading its decoder's value.
struct SingleValueDecoding: SingleValueDecodingContainer {
    let decoder: DecoderImpl
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var value: MessagePackValue { decoder.value }

    func decodeNil() -> Bool { value.isNil }
    func decode(_ type: Bool.Type) throws -> Bool { try Unbox.bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try Unbox.string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try Unbox.double(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try Unbox.float(value, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try Unbox.integer(value, codingPath, as: type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Unbox.integer(value, codingPath, as: type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Unbox.integer(value, codingPath, as: type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Unbox.integer(value, codingPath, as: type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Unbox.integer(value, codingPath, as: type) }
    func decode(_ type: UInt.Type) throws -> UInt { try Unbox.integer(value, codingPath, as: type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Unbox.integer(value, codingPath, as: type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Unbox.integer(value, codingPath, as: type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Unbox.integer(value, codingPath, as: type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Unbox.integer(value, codingPath, as: type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.context.unbox(value, as: type, at: codingPath) }
}
