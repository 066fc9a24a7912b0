// Results shared by several method files.

/// `{}`: done, nothing to report.
struct Done: Encodable {}

/// A whole list as `{items}` (lists too short to page).
struct Items<Item: Encodable & Sendable>: Encodable, Sendable { var items: [Item] }
