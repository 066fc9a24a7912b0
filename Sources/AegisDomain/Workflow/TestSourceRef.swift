import Foundation

/// Where a test came from outside Aegis, such as `caldera:link:<link id>`:
/// an importer's key for the thing it made the test from. At most one test
/// holds a given reference, so an importer that creates its test again
/// (after a crash, a lost reply, a restart) gets the one it made.
///
/// A reference is 1 to 255 bytes of visible ASCII (`!` to `~`, no spaces),
/// compared exactly (case matters).
public enum TestSourceRef {
    /// The longest reference, in bytes.
    public static let maxLength = 255

    /// `value` trimmed and checked; errors name `field`.
    public static func validate(_ value: String, field: String) throws(AegisError) -> String {
        let ref = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !ref.isEmpty else { throw AegisError.invalidArgument(field, "\(field) must not be empty") }
        guard ref.utf8.count <= maxLength else {
            throw AegisError.invalidArgument(field, "\(field) is longer than \(maxLength) bytes")
        }
        guard ref.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw AegisError.invalidArgument(
                field, "\(field) must be visible ASCII without spaces, such as caldera:link:<id>")
        }
        return ref
    }
}
