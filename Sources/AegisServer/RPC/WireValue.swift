import AegisDomain
import AegisWire
import Foundation

extension MessagePackValue {
    /// The wire form of a domain `Value`.
    init(_ value: AegisDomain.Value) {
        switch value {
        case .null: self = .nil
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .timestamp(let t): self = .timestamp(t)
        case .array(let a): self = .array(a.map(MessagePackValue.init))
        case .map(let m): self = .map(MessagePackMap(sorted: m))
        }
    }
}

extension MessagePackMap {
    /// A map with keys sorted, so replies are byte-for-byte repeatable.
    init(sorted dictionary: [String: AegisDomain.Value]) {
        self.init(dictionary.sorted { $0.key < $1.key }.map { (key: MessagePackValue.string($0.key), value: MessagePackValue($0.value)) })
    }
}
