import CPCRE2
import Foundation

/// A Sigma string compiled for matching on UTF-8 bytes: the common shapes
/// (whole value, prefix, suffix, substring) as byte comparisons, anything
/// else as a glob. Case-insensitive patterns hold lower-cased bytes and are
/// matched against the event value lower-cased once per event.
struct StringPattern: Sendable {
    enum Shape: Sendable {
        case equals([UInt8])
        case prefix([UInt8])
        case suffix([UInt8])
        case contains([UInt8])
        case anything  // `*`: any value
        case glob([GlobToken])
    }

    enum GlobToken: Sendable, Equatable {
        case byte(UInt8)
        case anyOne
        case anyRun
    }

    let shape: Shape
    let cased: Bool
    /// The pattern as written, for explanations.
    let display: String

    init(_ string: SigmaString, cased: Bool) {
        self.cased = cased
        func bytes(_ t: String) -> [UInt8] { Array((cased ? t : t.lowercased()).utf8) }
        var p = string.pieces
        display = p.map { piece -> String in
            switch piece {
            case .text(let t): t
            case .anyRun: "*"
            case .anyOne: "?"
            }
        }.joined()
        let leadingRun = p.first == .anyRun
        let trailingRun = p.count > 1 && p.last == .anyRun
        if leadingRun { p.removeFirst() }
        if trailingRun { p.removeLast() }
        switch (p.count, p.first) {
        case (0, _):
            shape = leadingRun || trailingRun ? .anything : .equals([])
        case (1, .text(let t)?):
            shape = switch (leadingRun, trailingRun) {
            case (false, false): .equals(bytes(t))
            case (true, false): .suffix(bytes(t))
            case (false, true): .prefix(bytes(t))
            case (true, true): .contains(bytes(t))
            }
        default:
            var tokens: [GlobToken] = leadingRun ? [.anyRun] : []
            for piece in p {
                switch piece {
                case .text(let t): tokens += bytes(t).map(GlobToken.byte)
                case .anyOne: tokens.append(.anyOne)
                case .anyRun: tokens.append(.anyRun)
                }
            }
            if trailingRun { tokens.append(.anyRun) }
            shape = .glob(tokens)
        }
    }

    /// Whether the pattern matches `value` (already lower-cased unless `cased`).
    func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        switch shape {
        case .anything: return true
        case .equals(let p): return value.count == p.count && p.withUnsafeBufferPointer { Self.equal($0, value, at: 0) }
        case .prefix(let p): return value.count >= p.count && p.withUnsafeBufferPointer { Self.equal($0, value, at: 0) }
        case .suffix(let p):
            return value.count >= p.count && p.withUnsafeBufferPointer { Self.equal($0, value, at: value.count - $0.count) }
        case .contains(let p): return p.withUnsafeBufferPointer { Self.find($0, in: value) }
        case .glob(let tokens): return tokens.withUnsafeBufferPointer { Self.glob($0, value) }
        }
    }

    private static func equal(_ p: UnsafeBufferPointer<UInt8>, _ v: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard !p.isEmpty else { return true }
        guard let pb = p.baseAddress, let vb = v.baseAddress else { return false }
        return memcmp(pb, vb + offset, p.count) == 0
    }

    /// Substring search (memmem: linear on glibc).
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count, let h = haystack.baseAddress, let n = needle.baseAddress else { return false }
        return aegis_memmem(h, haystack.count, n, needle.count) != nil
    }

    /// Iterative glob match with single backtracking to the last `*`:
    /// O(pattern × value) at worst, no recursion. `?` takes one UTF-8 character.
    private static func glob(_ p: UnsafeBufferPointer<GlobToken>, _ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var pi = 0, vi = 0
        var starP = -1, starV = 0
        func width(_ at: Int) -> Int {
            var n = 1
            while at + n < v.count, v[at + n] & 0xC0 == 0x80 { n += 1 }
            return n
        }
        while vi < v.count {
            if pi < p.count {
                switch p[pi] {
                case .byte(let b) where b == v[vi]:
                    pi += 1; vi += 1; continue
                case .anyOne:
                    pi += 1; vi += width(vi); continue
                case .anyRun:
                    starP = pi; starV = vi; pi += 1; continue
                default: break
                }
            }
            guard starP >= 0 else { return false }
            starV += width(starV)
            vi = starV
            pi = starP + 1
        }
        while pi < p.count, p[pi] == .anyRun { pi += 1 }
        return pi == p.count
    }

    /// The literal bytes every match must contain (the longest), for prefiltering.
    var requiredLiteral: [UInt8]? {
        switch shape {
        case .equals(let p), .prefix(let p), .suffix(let p), .contains(let p): return p.isEmpty ? nil : p
        case .anything: return nil
        case .glob(let tokens):
            var best: [UInt8] = [], run: [UInt8] = []
            for t in tokens {
                if case .byte(let b) = t { run.append(b) } else { if run.count > best.count { best = run }; run = [] }
            }
            if run.count > best.count { best = run }
            return best.isEmpty ? nil : best
        }
    }

    /// Relative cost, for ordering checks cheapest first.
    var cost: Int {
        switch shape {
        case .anything: 0
        case .equals: 1
        case .prefix, .suffix: 2
        case .contains: 4
        case .glob: 8
        }
    }
}
