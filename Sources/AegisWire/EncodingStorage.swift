#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A value under construction: containers stay mutable (reference boxes)
/// until the whole tree is encoded, then ``resolve()`` freezes it.
enum EncodedSlot {
    case value(MessagePackValue)
    case array(ArrayBox)
    case map(MapBox)
    /// A `superEncoder()`; its value is read when resolving.
    case deferred(EncoderImpl)

    func resolve() throws -> MessagePackValue {
        switch self {
        case .value(let v): return v
        case .array(let box): return .array(try box.items.map { try $0.resolve() })
        case .map(let box):
            var entries: [(key: MessagePackValue, value: MessagePackValue)] = []
            entries.reserveCapacity(box.keys.count)
            for (key, slot) in zip(box.keys, box.items) { entries.append((key: .string(key), value: try slot.resolve())) }
            return .map(MessagePackMap(entries))
        case .deferred(let encoder): return try encoder.finish().resolve()
        }
    }
}

final class ArrayBox {
    var items: [EncodedSlot] = []
}

/// String-keyed entries in first-insertion order; encoding a key again replaces its value.
final class MapBox {
    private(set) var keys: [String] = []
    private(set) var items: [EncodedSlot] = []
    private var index: [String: Int] = [:]

    func set(_ key: String, _ slot: EncodedSlot) {
        if let i = index[key] {
            items[i] = slot
        } else {
            index[key] = keys.count
            keys.append(key)
            items.append(slot)
        }
    }

    func get(_ key: String) -> EncodedSlot? { index[key].map { items[$0] } }
}

/// The `Encoder` handed to `Encodable.encode(to:)`, one per encoded value.
final class EncoderImpl: Encoder {
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any]
    /// What this encoder produced, if anything yet.
    var slot: EncodedSlot?
    /// Set when containers were misused; reported by ``finish()``.
    var misuse: String?
    /// Dates outside it are clamped into it (`MessagePackEncoder.dateRange`).
    let dateRange: ClosedRange<Date>?

    init(codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: Any]) {
        self.codingPath = codingPath
        self.userInfo = userInfo
        dateRange = userInfo[.dateRange] as? ClosedRange<Date>
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: MapBox
        switch slot {
        case .map(let existing)?: box = existing
        case nil:
            box = MapBox()
            slot = .map(box)
        default:
            misuse = "requested a keyed container after encoding another kind of value"
            box = MapBox()
        }
        return KeyedEncodingContainer(KeyedEncoding<Key>(encoder: self, box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: ArrayBox
        switch slot {
        case .array(let existing)?: box = existing
        case nil:
            box = ArrayBox()
            slot = .array(box)
        default:
            misuse = "requested an unkeyed container after encoding another kind of value"
            box = ArrayBox()
        }
        return UnkeyedEncoding(encoder: self, box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueEncoding(encoder: self)
    }

    /// Stores the single value, noting misuse if something was already encoded.
    func setSingle(_ new: EncodedSlot) {
        if slot != nil { misuse = "encoded more than one value into a single value container" }
        slot = new
    }

    /// This encoder's result; an encoder that encoded nothing yields an empty map.
    func finish() throws -> EncodedSlot {
        if let misuse {
            throw EncodingError.invalidValue(
                MessagePackValue.nil, .init(codingPath: codingPath, debugDescription: "Encodable " + misuse + "."))
        }
        return slot ?? .map(MapBox())
    }

    /// Encodes `value` found at `path` into a slot, handling the special types.
    func box<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> EncodedSlot {
        if let special = try Self.special(value, at: path, dates: dateRange) { return .value(special) }
        let child = EncoderImpl(codingPath: path, userInfo: userInfo)
        try value.encode(to: child)
        return try child.finish()
    }

    /// Types with a direct MessagePack form; dates clamped into `dates` when given.
    static func special<T: Encodable>(_ value: T, at path: [any CodingKey], dates: ClosedRange<Date>?) throws
        -> MessagePackValue?
    {
        switch value {
        case let v as MessagePackValue: return v
        case let m as MessagePackMap: return .map(m)
        case let d as Data: return .binary(d)
        case let u as URL: return .string(u.absoluteString)
        case let d as Date:
            if let dates { return .timestamp(clamp(d, into: dates)) }
            guard MessagePackTimestamp.canRepresent(d) else {
                throw EncodingError.invalidValue(
                    d, .init(codingPath: path, debugDescription: "Date is not finite or beyond the timestamp range."))
            }
            return .timestamp(d)
        default: return nil
        }
    }

    /// `date`, or the nearest end of `range` (the lower one for NaN).
    static func clamp(_ date: Date, into range: ClosedRange<Date>) -> Date {
        if date.timeIntervalSinceReferenceDate.isNaN || date < range.lowerBound { return range.lowerBound }
        return min(date, range.upperBound)
    }
}
