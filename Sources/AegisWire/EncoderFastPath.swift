#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Optionals, seen through a generic `Encodable`.
private protocol OptionalEncodable {
    /// The wrapped value, nil when there is none.
    var wrappedEncodable: (any Encodable)? { get }
}

extension Optional: OptionalEncodable where Wrapped: Encodable {
    fileprivate var wrappedEncodable: (any Encodable)? { self.map { $0 } }
}

extension EncoderImpl {
    /// The value of common leaf types without building a sub-encoder (the
    /// slow path allocates an encoder, a coding path and a slot per value).
    /// nil: not a leaf this knows; use the general path. Dates are clamped
    /// into `dates` when given.
    static func fastValue<T: Encodable>(_ value: T, dates: ClosedRange<Date>?) -> MessagePackValue? {
        switch value {
        case let s as String: return .string(s)
        case let b as Bool: return .bool(b)
        case let i as Int: return .int(Int64(i))
        case let i as Int64: return .int(i)
        case let d as Double: return .double(d)
        case let v as MessagePackValue: return v
        case let d as Data: return .binary(d)
        case let d as Date:
            if let dates { return .timestamp(clamp(d, into: dates)) }
            return MessagePackTimestamp.canRepresent(d) ? .timestamp(d) : nil
        case let o as any OptionalEncodable:
            guard let wrapped = o.wrappedEncodable else { return .nil }
            return fastLeaf(wrapped, dates: dates)
        default: return nil
        }
    }

    private static func fastLeaf(_ value: any Encodable, dates: ClosedRange<Date>?) -> MessagePackValue? {
        func open<V: Encodable>(_ v: V) -> MessagePackValue? { fastValue(v, dates: dates) }
        return open(value)
    }
}
