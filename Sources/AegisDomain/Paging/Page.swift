/// Which slice of a list to return: keyset pagination after `after`.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 100
    public static let maxLimit = 1000

    public var limit: Int
    /// The sort key of the last item already seen (decoded from a cursor).
    public var after: String?

    public init(limit: Int = PageRequest.defaultLimit, after: String? = nil) {
        self.limit = limit
        self.after = after
    }
}

/// One page of a list; `nextKey` is the sort key to continue after, nil at
/// the end. Use cases turn it into an opaque cursor.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextKey: String?

    public init(items: [Item], nextKey: String?) {
        self.items = items
        self.nextKey = nextKey
    }

    public func map<T: Sendable>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), nextKey: nextKey)
    }
}
