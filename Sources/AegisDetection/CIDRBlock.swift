import Foundation

/// An IPv4 or IPv6 network (`10.0.0.0/8`, `fe80::/10`) and the addresses in it.
struct CIDRBlock: Sendable, Equatable {
    let network: [UInt8]  // 4 or 16 bytes
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = Self.address(String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...bits).contains(p) else { return nil }
            prefix = p
        } else {
            prefix = bits
        }
        network = address
    }

    func contains(_ text: String) -> Bool {
        guard var address = Self.address(text) else { return false }
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its IPv4 address.
        if network.count == 4, address.count == 16, address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF,
            address[11] == 0xFF
        {
            address = Array(address[12...])
        }
        guard address.count == network.count else { return false }
        var remaining = prefix
        for i in 0..<network.count where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if address[i] & mask != network[i] & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// The bytes of an IPv4 or IPv6 address (a zone `%eth0` ignored).
    static func address(_ text: String) -> [UInt8]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 64 else { return nil }
        let bare = trimmed.split(separator: "%", maxSplits: 1).first.map(String.init) ?? trimmed
        if bare.contains(":") {
            var v6 = in6_addr()
            guard inet_pton(AF_INET6, bare, &v6) == 1 else { return nil }
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        var v4 = in_addr()
        guard inet_pton(AF_INET, bare, &v4) == 1 else { return nil }
        return withUnsafeBytes(of: &v4) { Array($0) }
    }
}
