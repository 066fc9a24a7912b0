/// The WHERE clause of a list query, built one condition at a time, with
/// the values of its `?` placeholders in order.
struct SQLFilter {
    private var conditions: [String] = []
    private(set) var values: [SQLValue] = []

    /// Adds `condition` (joined to the others with AND) and its values.
    mutating func add(_ condition: String, _ values: SQLValue...) {
        conditions.append(condition)
        self.values += values
    }

    /// `WHERE ...`, or nothing when no condition was added.
    var clause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
}
