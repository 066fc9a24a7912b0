import AegisWire
import Foundation
import Testing

/// The pre-pass on its own: depth definition, limits, hostile headers, and random input.
@Suite struct ValidatorTests {
    func nestedArrays(_ depth: Int, inner: [UInt8] = []) -> Data {
        guard depth > 0 else { return Data(inner) }
        return Data(repeating: 0x91, count: depth - 1) + Data([inner.isEmpty ? 0x90 : 0x91] + inner)
    }

    @Test func depthDefinition() throws {
        let v = MessagePackValidator()
        #expect(try v.validate(Data([0x01])).depth == 0)  // scalar at the top: depth 0
        #expect(try v.validate(Data([0x90])).depth == 1)  // empty array: one container open
        #expect(try v.validate(Data([0x81, 0xa1, 0x61, 0x01])).depth == 1)  // map's elements at depth 1
        #expect(try v.validate(Data([0x91, 0x91, 0x01])).depth == 2)
    }

    @Test func thirtyTwoNestedArraysPassThirtyThreeFail() throws {
        let v = MessagePackValidator()
        #expect(try v.validate(nestedArrays(32)).depth == 32)
        #expect(try v.validate(nestedArrays(32, inner: [0x01])).depth == 32)
        #expect(throws: MessagePackError.depthExceeded(limit: 32)) { try v.validate(nestedArrays(33)) }
        #expect(throws: MessagePackError.depthExceeded(limit: 32)) { try v.validate(nestedArrays(33, inner: [0x01])) }
        #expect(throws: MessagePackError.depthExceeded(limit: 32)) { try v.validate(nestedArrays(100)) }
        // And through the full decoder, msgpack-c included.
        var value = try MessagePack.decode(nestedArrays(32))
        var levels = 0
        while case .array(let items) = value {
            levels += 1
            value = items.first ?? .nil
        }
        #expect(levels == 32)
        #expect(throws: MessagePackError.depthExceeded(limit: 32)) { try MessagePack.decode(nestedArrays(33)) }
    }

    @Test func customDepthAndDecoderCap() throws {
        let shallow = MessagePackValidator(limits: .init(maxDepth: 2))
        #expect(throws: Never.self) { try shallow.validate(nestedArrays(2)) }
        #expect(throws: MessagePackError.depthExceeded(limit: 2)) { try shallow.validate(nestedArrays(3)) }
        let scalarsOnly = MessagePackValidator(limits: .init(maxDepth: 0))
        #expect(throws: Never.self) { try scalarsOnly.validate(Data([0x05])) }
        #expect(throws: MessagePackError.depthExceeded(limit: 0)) { try scalarsOnly.validate(Data([0x90])) }
        // The validator alone may go deeper; decode caps at msgpack-c's 32.
        #expect(throws: Never.self) { try MessagePackValidator(limits: .init(maxDepth: 40)).validate(nestedArrays(33)) }
        #expect(throws: MessagePackError.depthExceeded(limit: 32)) {
            try MessagePack.decode(nestedArrays(33), limits: .init(maxDepth: 40))
        }
    }

    @Test func elementCounting() throws {
        let v = MessagePackValidator()
        #expect(try v.validate(Data([0x01])).elements == 1)
        #expect(try v.validate(Data([0x92, 0x01, 0x91, 0x02])).elements == 4)  // [1, [2]]
        #expect(try v.validate(Data([0x81, 0xa1, 0x61, 0x01])).elements == 3)  // {"a": 1}
        let three = MessagePackValidator(limits: .init(maxElements: 3))
        #expect(throws: Never.self) { try three.validate(Data([0x92, 0x01, 0x02])) }
        #expect(throws: MessagePackError.tooManyElements(limit: 3)) { try three.validate(Data([0x93, 0x01, 0x02, 0x03])) }
    }

    @Test func sizeLimit() throws {
        let v = MessagePackValidator(limits: .init(maxBytes: 4))
        #expect(throws: Never.self) { try v.validate(Data([0xa3, 0x61, 0x62, 0x63])) }
        #expect(throws: MessagePackError.tooLarge(size: 5, limit: 4)) { try v.validate(Data([0xa4, 0x61, 0x62, 0x63, 0x64])) }
    }

    @Test func hugeDeclaredCountsAreRejectedAtOnce() throws {
        let hostile: [[UInt8]] = [
            [0xdd, 0x80, 0x00, 0x00, 0x00],  // array32, 2^31 elements
            [0xdd, 0xff, 0xff, 0xff, 0xff],
            [0xdf, 0x80, 0x00, 0x00, 0x00],  // map32, 2^31 entries
            [0xdf, 0xff, 0xff, 0xff, 0xff],
            [0xdb, 0xff, 0xff, 0xff, 0xff, 0x61],  // str32
            [0xc6, 0xff, 0xff, 0xff, 0xff, 0x00],  // bin32
            [0xc9, 0xff, 0xff, 0xff, 0xff, 0x05],  // ext32
        ]
        let clock = ContinuousClock()
        for bytes in hostile {
            let elapsed = clock.measure {
                #expect(throws: MessagePackError.lengthExceedsInput(offset: 0)) { try MessagePack.decode(Data(bytes)) }
            }
            #expect(elapsed < .milliseconds(100))
        }
        // Many small containers each claiming just what is left: still linear.
        var many = Data()
        for _ in 0..<20_000 { many += Data([0x91]) }
        let elapsed = clock.measure {
            #expect(throws: MessagePackError.depthExceeded(limit: 32)) { try MessagePackValidator().validate(many) }
        }
        #expect(elapsed < .seconds(1))
    }

    @Test func largeFlatInputIsLinear() throws {
        // 1,000,000 values: at the default element limit.
        var bytes = Data([0xdd, 0x00, 0x0f, 0x42, 0x3f])  // array32 of 999,999
        bytes += Data(repeating: 0x01, count: 999_999)
        let summary = try MessagePackValidator().validate(bytes)
        #expect(summary.elements == 1_000_000)
        bytes[4] = 0x40  // 1,000,000 elements → 1,000,001 values
        bytes.append(0x01)
        #expect(throws: MessagePackError.tooManyElements(limit: 1_000_000)) { try MessagePackValidator().validate(bytes) }
    }

    /// Whatever the pre-pass accepts, msgpack-c must parse: it never sees anything it would refuse.
    private func checkConsistent(_ bytes: Data) {
        let validated = Result { () throws(MessagePackError) in try MessagePackValidator().validate(bytes) }
        let decoded = Result { () throws(MessagePackError) in try MessagePack.decode(bytes) }
        switch (validated, decoded) {
        case (.success, .success(let value)):
            let encoded = MessagePack.encode(value)
            #expect(MessagePack.encode((try? MessagePack.decode(encoded)) ?? .nil) == encoded)
        case (.success, .failure(let error)):
            switch error {
            case .invalidUTF8, .invalidTimestamp: break
            default: Issue.record("pre-pass accepted \(Hex.encode(bytes)) but decode failed: \(error)")
            }
        case (.failure(let a), .failure(let b)):
            #expect(a == b)
        case (.failure, .success):
            Issue.record("decode accepted what the pre-pass refused: \(Hex.encode(bytes))")
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(state: 0xA361_5EED)
        // Bias toward headers so containers and lengths come up often.
        let interesting: [UInt8] = [
            0x90, 0x91, 0x92, 0x9f, 0x80, 0x81, 0x8f, 0xdc, 0xdd, 0xde, 0xdf, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
            0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xa0, 0xa1, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xca, 0xcb,
            0xcc, 0xcf, 0xd3, 0xff, 0x00, 0x7f, 0xe0,
        ]
        for round in 0..<20_000 {
            let length = Int.random(in: 0...48, using: &rng)
            var bytes = Data(count: length)
            for i in 0..<length {
                bytes[i] =
                    round % 2 == 0
                    ? UInt8.random(in: 0...255, using: &rng)
                    : (Bool.random(using: &rng) ? interesting.randomElement(using: &rng) ?? 0 : UInt8.random(in: 0...8, using: &rng))
            }
            checkConsistent(bytes)
        }
    }

    @Test func truncationsAndMutationsOfVectorsNeverCrash() throws {
        var rng = SplitMix64(state: 42)
        for vector in try Vector.load("codec.json") + Vector.load("envelope.json") {
            let bytes = vector.bytes
            // MessagePack is prefix-free: no strict prefix of one value is a whole value.
            if vector["valid"]?.bool == true {
                for cut in 0..<bytes.count {
                    let prefix = bytes.prefix(cut)
                    #expect(throws: MessagePackError.self) { try MessagePack.decode(prefix) }
                    checkConsistent(prefix)
                }
            }
            for _ in 0..<20 where !bytes.isEmpty {
                var mutated = bytes
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                checkConsistent(mutated)
            }
        }
    }
}
