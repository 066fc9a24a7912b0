import AegisDomain
import Foundation

/// Parameter checks shared by the use cases.
enum Validate {
    /// Trimmed text of at most `max` characters; required means non-empty.
    static func text(_ value: String, field: String, max: Int, required: Bool = true) throws(AegisError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && trimmed.isEmpty { throw AegisError.invalidArgument(field, "\(field) must not be empty") }
        guard trimmed.count <= max else { throw AegisError.invalidArgument(field, "\(field) is longer than \(max) characters") }
        return trimmed
    }

    static func optionalText(_ value: String?, field: String, max: Int) throws(AegisError) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return try text(value, field: field, max: max)
    }

    /// A list of short strings.
    static func list(_ values: [String], field: String, maxItems: Int = 100, maxLength: Int = 1000) throws(AegisError)
        -> [String]
    {
        guard values.count <= maxItems else { throw AegisError.invalidArgument(field, "\(field) holds more than \(maxItems) items") }
        var out: [String] = []
        for (i, v) in values.enumerated() { out.append(try text(v, field: "\(field)[\(i)]", max: maxLength)) }
        return out
    }
}

/// Optimistic concurrency: mutations quote the version they read.
enum Versioning {
    static func check(kind: String, current: Int, given: Int) throws(AegisError) {
        guard current == given else {
            throw AegisError(
                .conflict, "the \(kind) has changed (version \(current)); read it again",
                details: ["expected": .int(Int64(current)), "given": .int(Int64(given))])
        }
    }
}
