import AegisWire
import Foundation
import Testing

@Suite struct ValueTests {
    func hex(_ v: MessagePackValue) -> String { Hex.encode(MessagePack.encode(v)) }

    @Test func roundTripsEveryKind() throws {
        let values: [MessagePackValue] = [
            .nil, true, false, 0, 1, -1, 127, 128, -32, -33, .int(.max), .int(.min), .uint(.max), 1.5, -0.0,
            .double(.infinity), "", "héllo", .string(String(repeating: "x", count: 70_000)), .binary(Data()),
            .binary(Data([0, 1, 2])), [], [1, [2, [3]]], [:], ["a": 1, "b": ["c": nil]],
            .map(MessagePackMap([(key: 1, value: "one"), (key: nil, value: true), (key: [1], value: 2.5)])),
            .timestamp(Date(timeIntervalSince1970: 0)), .timestamp(Date(timeIntervalSince1970: -1.5)),
            .timestamp(Date(timeIntervalSince1970: 1_767_323_045.25)), .timestamp(Date(timeIntervalSince1970: 17_179_869_184)),
            .ext(type: 5, data: Data([1, 2, 3])), .ext(type: -128, data: Data()),
        ]
        for value in values {
            let bytes = MessagePack.encode(value)
            let back = try MessagePack.decode(bytes)
            #expect(back == value, "\(value)")
            #expect(MessagePack.encode(back) == bytes)
        }
        #expect(hex(.double(.nan)) == "cb7ff8000000000000")
    }

    @Test func integersUseTheSmallestFormAndUnsignedForPositives() {
        #expect(hex(.int(5)) == "05")
        #expect(hex(.int(200)) == "ccc8")
        #expect(hex(.uint(200)) == "ccc8")
        #expect(hex(.int(70_000)) == "ce00011170")
        #expect(hex(.int(-1)) == "ff")
        #expect(hex(.int(-200)) == "d1ff38")
        #expect(hex(.int(.max)) == "cf7fffffffffffffff")
        #expect(hex(.int(.min)) == "d38000000000000000")
    }

    @Test func thirtyTwoBitForms() throws {
        func prefix(_ v: MessagePackValue, _ n: Int) -> String { String(hex(v).prefix(n * 2)) }
        let big = 65_536
        #expect(prefix(.string(String(repeating: "a", count: big - 1)), 3) == "daffff")
        #expect(prefix(.string(String(repeating: "a", count: big)), 5) == "db00010000")
        #expect(prefix(.binary(Data(count: big - 1)), 3) == "c5ffff")
        #expect(prefix(.binary(Data(count: big)), 5) == "c600010000")
        #expect(prefix(.array(Array(repeating: 0, count: big - 1)), 3) == "dcffff")
        #expect(prefix(.array(Array(repeating: 0, count: big)), 5) == "dd00010000")
        let bigMap = MessagePackMap((0..<big).map { (key: .int(Int64($0)), value: .nil) })
        #expect(prefix(.map(bigMap), 5) == "df00010000")
        #expect(prefix(.map(MessagePackMap(Array(bigMap.entries.prefix(big - 1)))), 3) == "deffff")
        #expect(prefix(.ext(type: 1, data: Data(count: big)), 6) == "c90001000001")
        for value: MessagePackValue in [.array(Array(repeating: 7, count: big)), .map(bigMap)] {
            #expect(try MessagePack.decode(MessagePack.encode(value)) == value)
        }
    }

    @Test func intAndUintCompareByValue() {
        #expect(MessagePackValue.int(5) == .uint(5))
        #expect(MessagePackValue.uint(5).hashValue == MessagePackValue.int(5).hashValue)
        #expect(MessagePackValue.int(-1) != .uint(UInt64.max))
        #expect(MessagePackValue.int(1) != .double(1))
        #expect(MessagePackValue.int(1) != .bool(true))
    }

    @Test func mapsKeepOrderButCompareWithout() {
        var map: MessagePackMap = ["b": 1, "a": 2]
        #expect(map.keys == ["b", "a"])
        #expect(hex(.map(map)) == "82a16201a16102")
        #expect(map == ["a": 2, "b": 1])
        #expect(map.hashValue == MessagePackMap(["a": 2, "b": 1]).hashValue)
        #expect(map != ["a": 2, "b": 3])
        #expect(map != ["a": 2])
        map["a"] = 5
        map["c"] = nil
        map["d"] = true
        #expect(map.entries.map(\.value) == [1, 5, true])
        map["b"] = nil
        #expect(map.count == 2)
        #expect(map["a"] == 5)
        #expect(map[.string("d")] == true)
        #expect(MessagePackMap(["z": 1, "a": 2]).keys == ["a", "z"])  // from a Dictionary: sorted
        // Repeated keys compare in order of appearance.
        let dup1 = MessagePackMap([(key: "k", value: 1), (key: "x", value: 0), (key: "k", value: 2)])
        let dup2 = MessagePackMap([(key: "x", value: 0), (key: "k", value: 1), (key: "k", value: 2)])
        let dup3 = MessagePackMap([(key: "x", value: 0), (key: "k", value: 2), (key: "k", value: 1)])
        #expect(dup1 == dup2)
        #expect(dup1 != dup3)
    }

    @Test func accessors() {
        let v: MessagePackValue = ["n": 3, "big": .uint(.max), "s": "x", "f": 1.5, "l": [1, 2], "b": true]
        #expect(v["n"]?.intValue == 3)
        #expect(v["n"]?.uintValue == 3)
        #expect(v["n"]?.doubleValue == 3)
        #expect(v["big"]?.intValue == nil)
        #expect(v["big"]?.uintValue == .max)
        #expect(MessagePackValue.int(-1).uintValue == nil)
        #expect(v["s"]?.stringValue == "x")
        #expect(v["f"]?.doubleValue == 1.5)
        #expect(v["f"]?.intValue == nil)
        #expect(v["l"]?[1] == 2)
        #expect(v["l"]?[2] == nil)
        #expect(v["b"]?.boolValue == true)
        #expect(v["b"]?.intValue == nil)
        #expect(v.mapValue?.count == 6)
        #expect(v["missing"] == nil)
        #expect(MessagePackValue.nil.isNil)
        #expect(MessagePackValue.string("x")["k"] == nil)
        #expect(MessagePackValue.ext(type: 3, data: Data([1])).extValue?.type == 3)
    }

    @Test func timestampForms() throws {
        func ts(_ seconds: Double) -> String { hex(.timestamp(Date(timeIntervalSince1970: seconds))) }
        #expect(ts(0) == "d6ff00000000")
        #expect(ts(4_294_967_295) == "d6ffffffffff")
        #expect(ts(4_294_967_296) == "d7ff0000000100000000")
        #expect(ts(1.5) == "d7ff7735940000000001")
        #expect(ts(-1) == "c70cff00000000ffffffffffffffff")
        #expect(ts(17_179_869_184) == "c70cff000000000000000400000000")
        // Precision: a Date becomes the nearest microsecond.
        let t = try #require(MessagePackTimestamp(rfc3339: "2026-01-02T03:04:05.123456789Z"))
        #expect(t.seconds == 1_767_323_045)
        #expect(t.nanoseconds == 123_456_789)
        #expect(t.description == "2026-01-02T03:04:05.123456789Z")
        let back = MessagePackTimestamp(t.date)
        #expect(back.seconds == t.seconds)
        #expect(back.nanoseconds == 123_457_000)
        // No floating-point noise on millisecond values.
        #expect(MessagePackTimestamp(Date(timeIntervalSince1970: 1_763_042_400.188)).nanoseconds == 188_000_000)
        #expect(MessagePackTimestamp(rfc3339: "1969-12-31T23:59:59.5Z")?.seconds == -1)
        #expect(MessagePackTimestamp(rfc3339: "1969-12-31T23:59:59.5Z")?.nanoseconds == 500_000_000)
        #expect(MessagePackTimestamp(seconds: -2, nanoseconds: 500_000_000)?.description == "1969-12-31T23:59:58.500000000Z")
        #expect(MessagePackTimestamp(seconds: 0, nanoseconds: 1_000_000_000) == nil)
        #expect(MessagePackTimestamp(rfc3339: "2026-01-02 03:04:05Z") == nil)
    }

    @Test func extremeDatesDoNotTrap() throws {
        for date in [
            Date(timeIntervalSinceReferenceDate: .infinity), Date(timeIntervalSinceReferenceDate: -.infinity),
            Date(timeIntervalSinceReferenceDate: .nan), Date(timeIntervalSinceReferenceDate: 1e300),
        ] {
            let bytes = MessagePack.encode(.timestamp(date))
            #expect(throws: Never.self) { try MessagePack.decode(bytes) }
        }
        // 96-bit timestamps at the Int64 extremes.
        for seconds: UInt64 in [0x8000_0000_0000_0000, 0x7fff_ffff_ffff_ffff] {
            var bytes = Data([0xc7, 0x0c, 0xff, 0, 0, 0, 0])
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: seconds >> UInt64(shift))) }
            let value = try MessagePack.decode(bytes)
            #expect(value.dateValue != nil)
            #expect(!MessagePack.encode(value).isEmpty)
        }
    }

    @Test func decodeFromRawBuffer() throws {
        let bytes: [UInt8] = [0x92, 0x01, 0xa1, 0x78]
        let value = try bytes.withUnsafeBytes { buffer in try MessagePack.decode(buffer) }
        #expect(value == [1, "x"])
    }

    @Test func slicedDataDecodes() throws {
        let backing = Data([0xff, 0xff, 0x92, 0x01, 0xc4, 0x01, 0x07, 0xff])
        let slice = backing[2..<7]
        #expect(try MessagePack.decode(slice) == [1, .binary(Data([7]))])
    }
}
