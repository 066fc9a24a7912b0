import AegisWire
import Foundation
import Testing

/// `dateRange` on the decoder refuses dates outside it, naming the path;
/// on the encoder it clamps them, so no date can make an encoding fail.
@Suite struct DateRangeTests {
    static let range = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799)

    struct Params: Decodable {
        var at: Date?
        var more: [Date]?
    }

    @Test func theDecoderRefusesDatesOutsideItsRange() throws {
        let decoder = MessagePackDecoder(rejectUnknownKeys: true, dateRange: Self.range)
        let inside = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try decoder.decode(Params.self, from: ["at": .timestamp(inside)]).at == inside)
        #expect(try decoder.decode(Params.self, from: ["at": .timestamp(Self.range.upperBound)]).at == Self.range.upperBound)
        for outside in [Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: 253_402_300_800), Date(timeIntervalSince1970: 9.2e18)] {
            #expect(throws: MessagePackDecodingError.dateOutOfRange(path: "at")) {
                try decoder.decode(Params.self, from: ["at": .timestamp(outside)])
            }
            let error = #expect(throws: MessagePackDecodingError.self) {
                try decoder.decode(Params.self, from: ["more": [.timestamp(inside), .timestamp(outside)]])
            }
            #expect(error.flatMap(MessagePackDecoder.fieldPath(of:)) == "more[1]")
        }
        // Without a range, any timestamp decodes.
        #expect(try MessagePackDecoder().decode(Date.self, from: .timestamp(Date(timeIntervalSince1970: 9.2e18))) != nil)
    }

    struct Result: Encodable {
        var at: Date
        var maybe: Date?
        var list: [Date]
    }

    @Test func theEncoderClampsDatesIntoItsRange() throws {
        let encoder = MessagePackEncoder(nilOptionals: .explicit, dateRange: Self.range)
        let low = Self.range.lowerBound, high = Self.range.upperBound
        for (date, expected) in [
            (Date(timeIntervalSinceReferenceDate: .infinity), high), (Date(timeIntervalSinceReferenceDate: -.infinity), low),
            (Date(timeIntervalSinceReferenceDate: .nan), low), (Date(timeIntervalSince1970: 9.2e18), high),
            (Date(timeIntervalSince1970: -5), low), (Date(timeIntervalSince1970: 86_400), Date(timeIntervalSince1970: 86_400)),
        ] {
            let value = try encoder.encodeValue(Result(at: date, maybe: date, list: [date]))
            #expect(value["at"] == .timestamp(expected))
            #expect(value["maybe"] == .timestamp(expected))
            #expect(value["list"] == [.timestamp(expected)])
            #expect(try encoder.encodeValue(date) == .timestamp(expected))
        }
        // Without a range, a date no timestamp can hold is still an error.
        #expect(throws: EncodingError.self) { try MessagePackEncoder().encodeValue(Date(timeIntervalSinceReferenceDate: .infinity)) }
    }
}
