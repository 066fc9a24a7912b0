import CPCRE2

/// The common case of a field test, laid out flat: every value's
/// alternatives are whole/prefix/suffix/substring literals of one case
/// mode. Specs are plain numbers over one byte buffer, so testing them
/// copies and retains nothing.
struct LiteralTests: Sendable {
    struct Spec: Sendable {
        var shape: UInt8  // 0 equals, 1 prefix, 2 suffix, 3 contains, 4 anything
        var start: Int32
        var count: Int32
        /// The rule value this alternative belongs to (for `all`).
        var value: Int32
    }

    let bytes: [UInt8]
    let specs: [Spec]
    let cased: Bool

    /// The flat form of `values`, when they are all such literals.
    init?(_ values: [[ValueTest]]) {
        var bytes: [UInt8] = [], specs: [Spec] = [], cased: Bool?
        for (index, alternatives) in values.enumerated() {
            for test in alternatives {
                guard case .string(let pattern) = test, cased == nil || cased == pattern.cased else { return nil }
                cased = pattern.cased
                let (shape, literal): (UInt8, [UInt8]) =
                    switch pattern.shape {
                    case .equals(let p): (0, p)
                    case .prefix(let p): (1, p)
                    case .suffix(let p): (2, p)
                    case .contains(let p): (3, p)
                    case .anything: (4, [])
                    case .glob: (255, [])
                    }
                guard shape != 255 else { return nil }
                specs.append(Spec(shape: shape, start: Int32(bytes.count), count: Int32(literal.count), value: Int32(index)))
                bytes += literal
            }
        }
        guard let cased, !specs.isEmpty else { return nil }
        self.bytes = bytes
        self.specs = specs
        self.cased = cased
    }

    /// Whether the event values satisfy the test: any value (or, with `all`, every value) matched by one of its alternatives.
    func matches(_ values: [[UInt8]], all: Bool) -> Bool {
        guard !values.isEmpty else { return false }
        return bytes.withUnsafeBufferPointer { pool in
            specs.withUnsafeBufferPointer { specs in
                if !all {
                    for i in 0..<specs.count where Self.hit(specs[i], pool, values) { return true }
                    return false
                }
                var i = 0
                while i < specs.count {
                    let value = specs[i].value
                    var ok = false
                    while i < specs.count && specs[i].value == value {
                        if !ok && Self.hit(specs[i], pool, values) { ok = true }
                        i += 1
                    }
                    if !ok { return false }
                }
                return true
            }
        }
    }

    @inline(__always)
    private static func hit(_ spec: Spec, _ pool: UnsafeBufferPointer<UInt8>, _ values: [[UInt8]]) -> Bool {
        let n = Int(spec.count)
        let p = pool.baseAddress.map { $0 + Int(spec.start) }
        for value in values {
            let matched: Bool = value.withUnsafeBufferPointer { v in
                if spec.shape == 4 || n == 0 { return spec.shape != 0 || v.isEmpty }
                guard v.count >= n, let base = v.baseAddress, let p else { return false }
                switch spec.shape {
                case 0: return v.count == n && memcmp(p, base, n) == 0
                case 1: return memcmp(p, base, n) == 0
                case 2: return memcmp(p, base + (v.count - n), n) == 0
                default: return aegis_memmem(base, v.count, p, n) != nil
                }
            }
            if matched { return true }
        }
        return false
    }
}
