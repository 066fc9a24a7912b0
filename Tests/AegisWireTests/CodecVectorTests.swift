import AegisWire
import Foundation
import Testing

/// protocol/vectors/codec.json, byte for byte.
@Suite struct CodecVectorTests {
    static let vectors: [Vector] = (try? Vector.load("codec.json")) ?? []
    static let validVectors = vectors.filter { $0["valid"]?.bool == true }
    static let invalidVectors = vectors.filter { $0["valid"]?.bool == false }

    @Test func vectorFileIsPresentAndComplete() throws {
        let all = try Vector.load("codec.json")
        #expect(all.count > 100)
        #expect(Self.validVectors.count + Self.invalidVectors.count == all.count)
        let errors = Set(Self.invalidVectors.compactMap { $0["error"]?.string })
        #expect(
            errors == [
                "truncated", "reservedByte", "lengthExceedsInput", "depthExceeded", "invalidUTF8", "trailingBytes",
                "invalidTimestamp", "tooManyElements", "tooLarge",
            ])
    }

    @Test(arguments: validVectors)
    func decodesValidVector(_ vector: Vector) throws {
        let expected = try Tagged.value(try #require(vector["json"]))
        let decoded = try MessagePack.decode(vector.bytes, limits: vector.limits)
        #expect(decoded.sameAs(expected), "decoded \(decoded), expected \(expected)")
        let reencoded = MessagePack.encode(decoded)
        if vector["canonical"]?.bool == true {
            #expect(Hex.encode(MessagePack.encode(expected)) == Hex.encode(vector.bytes))
            #expect(Hex.encode(reencoded) == Hex.encode(vector.bytes))
        } else {
            // Non-minimal forms, float32, and timestamps finer than Date: re-encoding differs
            // but still decodes to the same value (up to Date's precision).
            #expect(reencoded != vector.bytes)
            let again = try MessagePack.decode(reencoded)
            if case .timestamp(let a) = again, case .timestamp(let b) = decoded {
                #expect(abs(a.timeIntervalSince(b)) < 1e-6)
            } else {
                #expect(again.sameAs(decoded))
            }
        }
    }

    @Test(arguments: invalidVectors)
    func rejectsInvalidVector(_ vector: Vector) throws {
        let name = try #require(vector["error"]?.string)
        let validator = MessagePackValidator(limits: vector.limits)
        let expected: MessagePackError? =
            switch name {
            case "truncated": .truncated(offset: try #require(vector["offset"]?.int))
            case "reservedByte": .reservedByte(offset: try #require(vector["offset"]?.int))
            case "lengthExceedsInput": .lengthExceedsInput(offset: try #require(vector["offset"]?.int))
            case "trailingBytes": .trailingBytes(offset: try #require(vector["offset"]?.int))
            case "depthExceeded": .depthExceeded(limit: try #require(vector["limit"]?.int))
            case "tooManyElements": .tooManyElements(limit: try #require(vector["limit"]?.int))
            case "tooLarge": .tooLarge(size: try #require(vector["size"]?.int), limit: try #require(vector["limit"]?.int))
            case "invalidUTF8": .invalidUTF8(path: try #require(vector["path"]?.string))
            case "invalidTimestamp": .invalidTimestamp(path: try #require(vector["path"]?.string))
            default: nil
            }
        let error = try #require(expected, "unknown error name \(name)")

        switch error {
        case .invalidUTF8, .invalidTimestamp:
            // Structurally fine: the pre-pass lets it through, conversion rejects it.
            #expect(throws: Never.self) { try validator.validate(vector.bytes) }
        default:
            // Rejected by the pure-Swift pre-pass, i.e. before msgpack-c is called.
            #expect(throws: error) { try validator.validate(vector.bytes) }
        }
        #expect(throws: error) { try MessagePack.decode(vector.bytes, limits: vector.limits) }
        #expect(error.name == name)
    }

    @Test func errorDescriptionsNameOffsetsNotPayload() throws {
        let secret = Data("a".utf8) + Data([0xa9]) + Data("password1".utf8)  // fixstr(9) "password1"
        let bytes = Data([0x92]) + secret + Data([0xc1])
        do {
            _ = try MessagePack.decode(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("password"))
            #expect(error.description.contains("offset"))
        }
        do {
            _ = try MessagePack.decode(Data([0x81, 0xa1, 0x6b, 0xa2, 0xff, 0xfe]))
            Issue.record("expected an error")
        } catch {
            #expect(error == .invalidUTF8(path: "k"))
            #expect(error.description == "MessagePack string at k is not valid UTF-8")
        }
    }
}
