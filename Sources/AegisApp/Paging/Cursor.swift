import AegisDomain
import Foundation

/// Opaque pagination cursors: the last item's sort key, versioned and
/// base64url-encoded, so clients cannot depend on their content.
public enum Cursor {
    public static func encode(_ key: String?) -> String? {
        guard let key else { return nil }
        return Data(("c1:" + key).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The key inside `cursor`; `INVALID_ARGUMENT` (field `cursor`) when it
    /// is not one of ours.
    public static func decode(_ cursor: String?) throws(AegisError) -> String? {
        guard let cursor else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard cursor.count <= 512, let data = Data(base64Encoded: base64),
            let text = String(data: data, encoding: .utf8), text.hasPrefix("c1:")
        else { throw AegisError.invalidArgument("cursor", "not a cursor returned by this server") }
        return String(text.dropFirst(3))
    }

    /// A cursor after an item sorted by time, then id (`detection.list`,
    /// `rule.backtest`): the time to the microsecond, as the store keeps it.
    public static func encode(time: Date, id: String) -> String? {
        encode("\(Int64((time.timeIntervalSince1970 * 1_000_000).rounded()))|\(id)")
    }

    /// The time and id inside a cursor made by `encode(time:id:)`.
    public static func decodeTimeKey(_ cursor: String?) throws(AegisError) -> (Date, String)? {
        guard let key = try decode(cursor) else { return nil }
        let parts = key.split(separator: "|", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]) else {
            throw AegisError.invalidArgument("cursor", "not a cursor returned by this server")
        }
        return (Date(timeIntervalSince1970: Double(micros) / 1_000_000), String(parts[1]))
    }

    /// Validates a `limit` parameter: 1...1000, default 100.
    public static func pageRequest(limit: Int?, cursor: String?) throws(AegisError) -> PageRequest {
        let limit = limit ?? PageRequest.defaultLimit
        guard (1...PageRequest.maxLimit).contains(limit) else {
            throw AegisError.invalidArgument("limit", "limit must be between 1 and \(PageRequest.maxLimit)")
        }
        return PageRequest(limit: limit, after: try decode(cursor))
    }
}

/// A page as use cases return it: items and an opaque cursor.
public struct ListResult<Item: Sendable & Encodable>: Sendable, Encodable {
    public var items: [Item]
    public var nextCursor: String?

    public init(_ page: Page<Item>) {
        items = page.items
        nextCursor = Cursor.encode(page.nextKey)
    }

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    /// `next_cursor` is always present, nil at the end.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}
