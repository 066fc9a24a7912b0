import AegisWire
import Foundation
import Testing

enum Tactic: String, Codable, Equatable { case execution, persistence }

struct Item: Codable, Equatable {
    var id: Int
    var name: String
}

struct Everything: Codable, Equatable {
    var flag: Bool
    var small: Int8
    var count: UInt32
    var big: Int64
    var ratio: Double
    var single: Float
    var title: String
    var note: String?
    var tactic: Tactic
    var tags: [String]
    var items: [Item]
    var nested: [[Int]]
    var lookup: [String: Int]
    var byNumber: [Int: String]
    var at: Date
    var blob: Data
    var extra: MessagePackValue
    var meta: MessagePackMap
    var link: URL
}

enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case square(side: Double)
    case empty
}

class Base: Codable {
    var id: Int
    init(id: Int) { self.id = id }
}

final class Derived: Base {
    var label: String
    init(id: Int, label: String) {
        self.label = label
        super.init(id: id)
    }
    enum CodingKeys: String, CodingKey { case label }
    required init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        label = try c.decode(String.self, forKey: .label)
        try super.init(from: c.superDecoder())
    }
    override func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(label, forKey: .label)
        try super.encode(to: c.superEncoder())
    }
}

/// Hand-written containers: nested keyed/unkeyed, superEncoder in an unkeyed container.
struct Manual: Codable, Equatable {
    var a: Int
    var pair: [String]
    var inner: Int

    enum Keys: String, CodingKey { case a, pair, deep }
    enum DeepKeys: String, CodingKey { case inner }

    init(a: Int, pair: [String], inner: Int) {
        self.a = a
        self.pair = pair
        self.inner = inner
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        a = try c.decode(Int.self, forKey: .a)
        var u = try c.nestedUnkeyedContainer(forKey: .pair)
        pair = [try u.decode(String.self)]
        var innerList = try u.nestedUnkeyedContainer()
        pair.append(try innerList.decode(String.self))
        let superDecoder = try u.superDecoder()
        pair.append(try superDecoder.singleValueContainer().decode(String.self))
        #expect(u.isAtEnd)
        let d = try c.nestedContainer(keyedBy: DeepKeys.self, forKey: .deep)
        self.inner = try d.decode(Int.self, forKey: .inner)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(a, forKey: .a)
        var u = c.nestedUnkeyedContainer(forKey: .pair)
        try u.encode(pair[0])
        var innerList = u.nestedUnkeyedContainer()
        try innerList.encode(pair[1])
        var single = u.superEncoder().singleValueContainer()
        try single.encode(pair[2])
        var d = c.nestedContainer(keyedBy: DeepKeys.self, forKey: .deep)
        try d.encode(inner, forKey: .inner)
    }
}

@Suite struct CodableTests {
    let encoder = MessagePackEncoder()
    let decoder = MessagePackDecoder()

    func sample() throws -> Everything {
        Everything(
            flag: true, small: -5, count: 4_000_000_000, big: .min, ratio: 0.25, single: 1.5, title: "T1059",
            note: nil, tactic: .execution, tags: ["a", "b"], items: [Item(id: 1, name: "x"), Item(id: 2, name: "y")],
            nested: [[1], [], [2, 3]], lookup: ["k": 1], byNumber: [7: "seven"],
            at: Date(timeIntervalSince1970: 1_767_323_045.5), blob: Data([0, 255]),
            extra: ["free": [1, "form", nil], "n": 1.5], meta: ["x": 1],
            link: try #require(URL(string: "https://example.org/a?b=c")))
    }

    @Test func roundTripsAStructWithEveryKind() throws {
        let value = try sample()
        let bytes = try encoder.encode(value)
        #expect(try decoder.decode(Everything.self, from: bytes) == value)
        #expect(try MessagePackDecoder(rejectUnknownKeys: true).decode(Everything.self, from: bytes) == value)
    }

    @Test func encodedShape() throws {
        let tree = try encoder.encodeValue(try sample())
        let map = try #require(tree.mapValue)
        #expect(map.keys.first == "flag")
        #expect(map["note"] == nil)  // nil optionals are omitted
        #expect(map["tactic"] == "execution")
        #expect(map["at"] == .timestamp(Date(timeIntervalSince1970: 1_767_323_045.5)))
        #expect(map["blob"] == .binary(Data([0, 255])))
        #expect(map["extra"] == ["free": [1, "form", nil], "n": 1.5])
        #expect(map["byNumber"] == ["7": "seven"])
        #expect(map["link"] == "https://example.org/a?b=c")
        #expect(map["items"]?[1]?["name"] == "y")
        #expect(map["single"] == 1.5)
        let withNote = Item(id: 1, name: "n")
        #expect(Hex.encode(try encoder.encode(withNote)) == "82a2696401a46e616d65a16e")
    }

    @Test func topLevelValues() throws {
        #expect(Hex.encode(try encoder.encode(5)) == "05")
        #expect(Hex.encode(try encoder.encode("x")) == "a178")
        #expect(Hex.encode(try encoder.encode([1, 2])) == "920102")
        #expect(Hex.encode(try encoder.encode(Int?.none)) == "c0")
        #expect(Hex.encode(try encoder.encode(Date(timeIntervalSince1970: 0))) == "d6ff00000000")
        #expect(Hex.encode(try encoder.encode(Data([1]))) == "c40101")
        #expect(try decoder.decode(Int.self, from: Data([0x05])) == 5)
        #expect(try decoder.decode(Int?.self, from: Data([0xc0])) == nil)
        #expect(try decoder.decode([String].self, from: Data([0x91, 0xa1, 0x78])) == ["x"])
        #expect(try decoder.decode(MessagePackValue.self, from: Data([0x91, 0x01])) == [1])
    }

    @Test func enumsClassesAndManualContainers() throws {
        for shape in [Shape.circle(radius: 2), .square(side: 1), .empty] {
            #expect(try decoder.decode(Shape.self, from: encoder.encode(shape)) == shape)
            #expect(try MessagePackDecoder(rejectUnknownKeys: true).decode(Shape.self, from: encoder.encode(shape)) == shape)
        }
        let derived = Derived(id: 3, label: "d")
        let tree = try encoder.encodeValue(derived)
        #expect(tree == ["label": "d", "super": ["id": 3]])
        let back = try decoder.decode(Derived.self, from: tree)
        #expect(back.id == 3 && back.label == "d")
        #expect(try MessagePackDecoder(rejectUnknownKeys: true).decode(Derived.self, from: tree).id == 3)

        let manual = Manual(a: 1, pair: ["p", "q", "r"], inner: 9)
        let manualTree = try encoder.encodeValue(manual)
        #expect(manualTree == ["a": 1, "pair": ["p", ["q"], "r"], "deep": ["inner": 9]])
        #expect(try decoder.decode(Manual.self, from: manualTree) == manual)
        #expect(try MessagePackDecoder(rejectUnknownKeys: true).decode(Manual.self, from: manualTree) == manual)
    }

    @Test func numericConversions() throws {
        #expect(try decoder.decode(Int8.self, from: .uint(127)) == 127)
        #expect(try decoder.decode(UInt64.self, from: .uint(.max)) == .max)
        #expect(try decoder.decode(UInt8.self, from: .int(200)) == 200)
        #expect(try decoder.decode(Double.self, from: .int(3)) == 3)
        #expect(try decoder.decode(Float.self, from: .uint(3)) == 3)
        #expect(try decoder.decode(Float.self, from: .double(.infinity)) == .infinity)
        #expect(throws: DecodingError.self) { try decoder.decode(Float.self, from: .double(1e300)) }
        #expect(throws: DecodingError.self) { try decoder.decode(UInt8.self, from: .int(300)) }
        #expect(throws: DecodingError.self) { try decoder.decode(UInt.self, from: .int(-1)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Int64.self, from: .uint(.max)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Int.self, from: .double(1)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Bool.self, from: .int(1)) }
        #expect(throws: DecodingError.self) { try decoder.decode(String.self, from: .binary(Data())) }
        #expect(throws: DecodingError.self) { try decoder.decode(Date.self, from: .int(0)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Data.self, from: .string("")) }
    }

    func expectPath(_ path: String, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch {
            #expect(MessagePackDecoder.fieldPath(of: error) == path, "\(error)", sourceLocation: sourceLocation)
        }
    }

    struct Params: Codable, Equatable {
        var limit: Int
        var items: [Item]
        var cursor: String?
    }

    @Test func decodingErrorsCarryPaths() throws {
        let good: MessagePackValue = ["limit": 5, "items": [["id": 1, "name": "a"], ["id": 2, "name": "b"]]]
        #expect(try decoder.decode(Params.self, from: good).items.count == 2)

        var wrongType = good
        if case .map(var m) = wrongType {
            m["items"] = [["id": 1, "name": "a"], ["id": 2, "name": 7]]
            wrongType = .map(m)
        }
        expectPath("items[1].name") { _ = try decoder.decode(Params.self, from: wrongType) }
        do {
            _ = try decoder.decode(Params.self, from: wrongType)
        } catch let DecodingError.typeMismatch(type, context) {
            #expect(ObjectIdentifier(type) == ObjectIdentifier(String.self))
            #expect(MessagePackDecoder.path(of: context.codingPath) == "items[1].name")
            #expect(context.debugDescription == "Expected to decode String but found int instead.")
        }
        expectPath("limit") { _ = try decoder.decode(Params.self, from: ["items": []]) }  // keyNotFound
        expectPath("items[0].id") { _ = try decoder.decode(Params.self, from: ["limit": 1, "items": [["id": nil, "name": "a"]]]) }
        expectPath("limit") { _ = try decoder.decode(Params.self, from: ["limit": .uint(.max), "items": []]) }
        expectPath("cursor") { _ = try decoder.decode(Params.self, from: ["limit": 1, "items": [], "cursor": 5]) }
        expectPath("") { _ = try decoder.decode(Params.self, from: [1, 2]) }
        // A missing key keeps Foundation's convention: the context path is the container's.
        do {
            _ = try decoder.decode(Params.self, from: ["limit": 1, "items": [["id": 1]]])
        } catch let DecodingError.keyNotFound(key, context) {
            #expect(key.stringValue == "name")
            #expect(MessagePackDecoder.path(of: context.codingPath) == "items[0]")
        }
        // Running past the end of an array.
        struct Pair: Decodable {
            init(from decoder: any Decoder) throws {
                var u = try decoder.unkeyedContainer()
                _ = try u.decode(Int.self)
                _ = try u.decode(Int.self)
            }
        }
        expectPath("[1]") { _ = try decoder.decode(Pair.self, from: [1]) }
    }

    @Test func nilOptionalsAndExplicitNil() throws {
        #expect(try decoder.decode(Params.self, from: ["limit": 1, "items": [], "cursor": nil]).cursor == nil)
        #expect(try decoder.decode([Int?].self, from: [1, nil]) == [1, nil])
        #expect(Hex.encode(try encoder.encode([Int?.none, 1])) == "92c001")
    }

    @Test func repeatedKeysAreRejected() {
        let dup = MessagePackValue.map(MessagePackMap([(key: "id", value: 1), (key: "name", value: "a"), (key: "id", value: 2)]))
        expectPath("id") { _ = try decoder.decode(Item.self, from: dup) }
    }

    @Test func rejectUnknownKeys() throws {
        let strict = MessagePackDecoder(rejectUnknownKeys: true)
        let lenient = MessagePackDecoder()
        let top: MessagePackValue = ["id": 1, "name": "a", "extra": true]
        #expect(try lenient.decode(Item.self, from: top) == Item(id: 1, name: "a"))
        #expect(throws: MessagePackDecodingError.unknownKey(path: "extra")) { try strict.decode(Item.self, from: top) }

        let nested: MessagePackValue = ["limit": 1, "items": [["id": 1, "name": "a"], ["id": 2, "name": "b", "color": "red"]]]
        #expect(throws: MessagePackDecodingError.unknownKey(path: "items[1].color")) { try strict.decode(Params.self, from: nested) }
        expectPath("items[1].color") { _ = try strict.decode(Params.self, from: nested) }

        // An absent optional read with decodeIfPresent counts as asked for; so does a present one.
        #expect(try strict.decode(Params.self, from: ["limit": 1, "items": [], "cursor": "c"]).cursor == "c")
        // Free-form values and dictionaries are taken whole.
        struct Free: Codable { var params: MessagePackValue; var counts: [String: Int] }
        let free: MessagePackValue = ["params": ["anything": ["goes": 1]], "counts": ["a": 1, "b": 2]]
        #expect(throws: Never.self) { try strict.decode(Free.self, from: free) }
        // Non-string keys are unknown too.
        let intKey = MessagePackValue.map(MessagePackMap([(key: "id", value: 1), (key: "name", value: "a"), (key: 5, value: 0)]))
        #expect(throws: MessagePackDecodingError.unknownKey(path: "[5]")) { try strict.decode(Item.self, from: intKey) }
        // A fallback attempt that threw does not leave its keys behind.
        struct Either: Decodable, Equatable {
            var value: String
            init(from decoder: any Decoder) throws {
                if let item = try? Item(from: decoder) {
                    value = item.name
                } else {
                    let c = try decoder.container(keyedBy: StringCodingKey.self)
                    value = try c.decode(String.self, forKey: StringCodingKey("label"))
                }
            }
        }
        #expect(try strict.decode(Either.self, from: ["label": "l"]).value == "l")
        #expect(try strict.decode(Either.self, from: ["id": 1, "name": "n"]).value == "n")
        #expect(throws: MessagePackDecodingError.unknownKey(path: "x")) { try strict.decode(Either.self, from: ["label": "l", "x": 1]) }
        // A value that failed to decode under try? is not checked for unknown keys.
        struct Maybe: Decodable {
            var item: Item?
            enum CodingKeys: String, CodingKey { case item }
            init(from decoder: any Decoder) throws {
                item = try? decoder.container(keyedBy: CodingKeys.self).decode(Item.self, forKey: .item)
            }
        }
        #expect(try strict.decode(Maybe.self, from: ["item": ["id": "x", "name": "a", "junk": 1]]).item == nil)
        #expect(throws: MessagePackDecodingError.unknownKey(path: "item.junk")) {
            try strict.decode(Maybe.self, from: ["item": ["id": 1, "name": "a", "junk": 1]])
        }
    }

    @Test func encoderErrors() throws {
        #expect(throws: EncodingError.self) { try encoder.encode(Date(timeIntervalSinceReferenceDate: .infinity)) }
        struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }
        #expect(throws: EncodingError.self) { try encoder.encode(Nothing()) }
        #expect(try encoder.encodeValue([Nothing()]) == [[:]])
        struct Twice: Encodable {
            func encode(to encoder: any Encoder) throws {
                var c = encoder.singleValueContainer()
                try c.encode(1)
                try c.encode(2)
            }
        }
        #expect(throws: EncodingError.self) { try encoder.encode(Twice()) }
        struct Mixed: Encodable {
            func encode(to encoder: any Encoder) throws {
                var u = encoder.unkeyedContainer()
                try u.encode(1)
                var k = encoder.container(keyedBy: StringCodingKey.self)
                try k.encode(1, forKey: StringCodingKey("a"))
            }
        }
        #expect(throws: EncodingError.self) { try encoder.encode(Mixed()) }
    }

    @Test func valuesThroughOtherCoders() throws {
        let value: MessagePackValue = ["a": [1, "x", nil, true, 2.5], "n": .uint(.max)]
        let json = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(MessagePackValue.self, from: json) == value)
        // Direct calls with our own coders keep binary, timestamps and extensions intact.
        struct Wrapper: Codable {
            var raw: MessagePackValue
            init(raw: MessagePackValue) { self.raw = raw }
            init(from decoder: any Decoder) throws { raw = try MessagePackValue(from: decoder) }
            func encode(to encoder: any Encoder) throws { try raw.encode(to: encoder) }
        }
        let rich: MessagePackValue = [.binary(Data([1])), .timestamp(Date(timeIntervalSince1970: 2)), .ext(type: 4, data: Data())]
        #expect(try encoder.encodeValue(Wrapper(raw: rich)) == rich)
        #expect(try decoder.decode(Wrapper.self, from: rich).raw == rich)
    }

    @Test func pathRendering() {
        let path: [any CodingKey] = [StringCodingKey("params"), StringCodingKey("items"), IndexCodingKey(3), StringCodingKey("name")]
        #expect(MessagePackDecoder.path(of: path) == "params.items[3].name")
        #expect(MessagePackDecoder.path(of: []) == "")
        #expect(MessagePackDecoder.path(of: [IndexCodingKey(0), IndexCodingKey(1)]) == "[0][1]")
    }

    @Test func userInfoReachesCodable() throws {
        let key = try #require(CodingUserInfoKey(rawValue: "tenant"))
        struct Probe: Codable {
            var seen: String
            init(seen: String) { self.seen = seen }
            static func tenant(_ info: [CodingUserInfoKey: Any]) -> String {
                info.first { $0.key.rawValue == "tenant" }?.value as? String ?? ""
            }
            init(from decoder: any Decoder) throws { seen = Self.tenant(decoder.userInfo) }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.singleValueContainer()
                try c.encode(Self.tenant(encoder.userInfo))
            }
        }
        #expect(try MessagePackEncoder(userInfo: [key: "t1"]).encodeValue(Probe(seen: "")) == "t1")
        #expect(try MessagePackDecoder(userInfo: [key: "t2"]).decode(Probe.self, from: .nil).seen == "t2")
    }
}

struct StringCodingKey: CodingKey {
    var stringValue: String
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    var intValue: Int? { nil }
}

struct IndexCodingKey: CodingKey {
    var intValue: Int?
    init(_ i: Int) { intValue = i }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
    var stringValue: String { "Index \(intValue ?? 0)" }
}

@Suite struct NilOptionalsTests {
    struct Thing: Encodable {
        var id = "T1"
        var parent: String? = nil
        var count: Int? = nil
        var nested: [String]? = nil
    }

    @Test func omittedByDefault() throws {
        let value = try MessagePackEncoder().encodeValue(Thing())
        #expect(value.mapValue?.count == 1)
    }

    @Test func explicitWhenAsked() throws {
        let value = try MessagePackEncoder(nilOptionals: .explicit).encodeValue(Thing())
        let map = try #require(value.mapValue)
        #expect(map.count == 4)
        #expect(map["parent"] == .nil)
        #expect(map["count"] == .nil)
        #expect(map["nested"] == .nil)
        let present = try MessagePackEncoder(nilOptionals: .explicit).encodeValue(Thing(parent: "T0", count: 2))
        #expect(present.mapValue?["parent"] == "T0")
        #expect(present.mapValue?["count"] == 2)
    }
}
